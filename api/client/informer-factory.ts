// One informer per (resource, namespace, selectors), shared by every consumer in the process
// (client-go's SharedInformerFactory): the scheduler and ten controllers watching pods cost one
// list+watch, not eleven.
import type { Client } from './client.ts';
import type { Clock } from './clock.ts';
import { SharedIndexInformer, type InformerOptions } from './informer.ts';
import type { Logger } from './logger.ts';
import type { Indexers } from './store.ts';
import type { KubeObject, ResourceRef } from './types.ts';

export interface InformerFactoryOptions {
  /** Watch only this namespace (default: all). */
  namespace?: string;
  clock?: Clock;
  logger?: Logger;
  pageSize?: number;
  minWatchTimeoutSeconds?: number;
  backoff?: InformerOptions<KubeObject>['backoff'];
}

export interface InformerRequest<T extends KubeObject> {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Indexes this consumer needs; added to the shared informer if it lacks them (by name). */
  indexers?: Indexers<T>;
}

export class SharedInformerFactory {
  private readonly informers = new Map<string, SharedIndexInformer<any>>();
  private signal: AbortSignal | undefined;
  private readonly runs: Promise<void>[] = [];

  constructor(
    readonly client: Client,
    readonly opts: InformerFactoryOptions = {},
  ) {}

  /** The shared informer for objects of this apiVersion and kind. */
  informerFor<T extends KubeObject = KubeObject>(
    apiVersion: string,
    kind: string,
    req: InformerRequest<T> = {},
  ): SharedIndexInformer<T> {
    return this.informerForResource<T>(this.client.resource<T>(apiVersion, kind).ref, req);
  }

  informerForResource<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    req: InformerRequest<T> = {},
  ): SharedIndexInformer<T> {
    const namespace = ref.namespaced ? (req.namespace ?? this.opts.namespace ?? '') : '';
    const key = [
      ref.group,
      ref.version,
      ref.plural,
      namespace,
      req.labelSelector ?? '',
      req.fieldSelector ?? '',
    ].join('|');
    let informer = this.informers.get(key) as SharedIndexInformer<T> | undefined;
    if (!informer) {
      const base = this.client.resourceFor<T>(ref);
      informer = new SharedIndexInformer<T>({
        resource: namespace ? base.namespace(namespace) : base,
        labelSelector: req.labelSelector,
        fieldSelector: req.fieldSelector,
        clock: this.opts.clock,
        logger: this.opts.logger,
        pageSize: this.opts.pageSize,
        minWatchTimeoutSeconds: this.opts.minWatchTimeoutSeconds,
        backoff: this.opts.backoff,
      });
      this.informers.set(key, informer);
      if (this.signal) this.runs.push(informer.run(this.signal));
    }
    const missing = Object.entries(req.indexers ?? {}).filter(([name]) => !informer.store.hasIndex(name));
    if (missing.length > 0) informer.addIndexers(Object.fromEntries(missing));
    return informer;
  }

  /** Start every informer asked for so far; ones asked for later start at once. */
  start(signal: AbortSignal): void {
    if (this.signal) return;
    this.signal = signal;
    for (const informer of this.informers.values()) this.runs.push(informer.run(signal));
  }

  /** Resolves once every informer asked for so far has synced. */
  async waitForCacheSync(opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync(opts)));
  }

  /** Resolves when every started informer has stopped (after the start signal aborts). */
  async stopped(): Promise<void> {
    await Promise.all(this.runs);
  }
}
