// The entry point: a Client over a Transport hands out typed ResourceClients by apiVersion+kind
// (`client.resource('apps/v1', 'Deployment')`) or by group/version/plural, for the served types
// in api/resources.ts or any other resource described by a ResourceRef.
import { lookupKind, lookupResource } from '../resources.ts';
import { ResourceClient } from './resource-client.ts';
import type { RequestOptions, Transport, TransportResponse } from './transport.ts';
import type { KubeObject, ResourceRef } from './types.ts';

export class Client {
  private readonly cache = new Map<string, ResourceClient<any>>();

  constructor(readonly transport: Transport) {}

  /** The resource serving objects of this apiVersion and kind. Throws for a kind we do not serve. */
  resource<T extends KubeObject = KubeObject>(apiVersion: string, kind: string): ResourceClient<T> {
    const key = `${apiVersion}|${kind}`;
    let rc = this.cache.get(key);
    if (!rc) {
      const rt = lookupKind(apiVersion, kind);
      if (!rt) throw new Error(`no resource serves kind "${kind}" in "${apiVersion}"`);
      rc = this.resourceFor(rt);
      this.cache.set(key, rc);
    }
    return rc as ResourceClient<T>;
  }

  /** The resource at /apis/{group}/{version}/{plural} (group '' for the core group). */
  resourceByPlural<T extends KubeObject = KubeObject>(
    group: string,
    version: string,
    plural: string,
  ): ResourceClient<T> {
    const key = `${group}/${version}/${plural}`;
    let rc = this.cache.get(key);
    if (!rc) {
      const rt = lookupResource(group, version, plural);
      if (!rt) throw new Error(`no resource "${plural}" in "${group ? `${group}/${version}` : version}"`);
      rc = this.resourceFor(rt);
      this.cache.set(key, rc);
    }
    return rc as ResourceClient<T>;
  }

  /** A resource this build does not know (e.g. a CRD), described explicitly. */
  resourceFor<T extends KubeObject = KubeObject>(ref: ResourceRef): ResourceClient<T> {
    const { group, version, plural, kind, namespaced } = ref;
    return new ResourceClient<T>(this.transport, { group, version, plural, kind, namespaced });
  }

  /** Any other path (discovery, /version, logs). */
  request<R = unknown>(method: string, path: string, opts?: RequestOptions): Promise<TransportResponse<R>> {
    return this.transport.request(method, path, opts) as Promise<TransportResponse<R>>;
  }

  close(): void {
    this.transport.close?.();
  }
}
