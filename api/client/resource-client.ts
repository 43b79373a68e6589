// A typed client for one resource (like client-go's dynamic client): every verb the API server
// serves, on the collection or on one object, plus its subresources. Namespaced resources are
// scoped with `.namespace(ns)`; unscoped, list/watch/deleteCollection span all namespaces and
// writes take the namespace from the object.
import { isExpired } from './api-error.ts';
import { resourcePath } from './paths.ts';
import type { Query, Transport, WatchStream } from './transport.ts';
import type { KubeList, KubeObject, ResourceRef, Status } from './types.ts';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  /** '' (default): a consistent, most recent read; '0': any (possibly cached) version. */
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  signal?: AbortSignal;
}

export interface ListAllOptions extends Omit<ListOptions, 'limit' | 'continue'> {
  /** Items per request. Default 500. */
  pageSize?: number;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Events after this version; without it the server starts with the current state as ADDED events. */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** The server ends the watch after this long (the client then re-watches). */
  timeoutSeconds?: number;
  sendInitialEvents?: boolean;
  signal?: AbortSignal;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  signal?: AbortSignal;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export interface PatchOptions extends WriteOptions {
  /** Server-side apply: take ownership of conflicting fields. */
  force?: boolean;
  /** e.g. 'status', 'scale'. */
  subresource?: string;
}

export interface ApplyOptions extends Omit<PatchOptions, 'fieldManager'> {
  /** Required by server-side apply: who owns the applied fields. */
  fieldManager: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
  signal?: AbortSignal;
}

export const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

const writeQuery = (o: WriteOptions & { force?: boolean }): Query => ({
  dryRun: o.dryRun ? 'All' : undefined,
  fieldManager: o.fieldManager,
  fieldValidation: o.fieldValidation,
  force: o.force === undefined ? undefined : String(o.force),
});

const selectorQuery = (o: { labelSelector?: string; fieldSelector?: string }): Query => ({
  labelSelector: o.labelSelector || undefined,
  fieldSelector: o.fieldSelector || undefined,
});

function deleteBody(o: DeleteOptions) {
  const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
  if (o.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = o.gracePeriodSeconds;
  if (o.propagationPolicy) body.propagationPolicy = o.propagationPolicy;
  if (o.preconditions) body.preconditions = o.preconditions;
  if (o.dryRun) body.dryRun = ['All'];
  return body;
}

export class ResourceClient<T extends KubeObject = KubeObject> {
  constructor(
    readonly transport: Transport,
    readonly ref: ResourceRef,
    /** The namespace this client is scoped to ('' or undefined: none). */
    readonly ns?: string,
  ) {}

  /** The same resource scoped to one namespace. */
  namespace(ns: string): ResourceClient<T> {
    if (!this.ref.namespaced) throw new Error(`${this.ref.kind} is cluster-scoped; it has no namespace`);
    return new ResourceClient<T>(this.transport, this.ref, ns);
  }

  /** Path of the collection, an object, or a subresource, in this client's namespace. */
  path(name?: string, subresource?: string, namespace = this.ns): string {
    if (name !== undefined && this.ref.namespaced && !namespace) {
      throw new Error(
        `${this.ref.kind} "${name}" is namespaced: use .namespace(ns) or set metadata.namespace`,
      );
    }
    return resourcePath(this.ref, namespace, name, subresource);
  }

  private objectPath(obj: KubeObject, subresource?: string, withName = true): string {
    const namespace = this.ns || obj.metadata?.namespace;
    const name = obj.metadata?.name;
    if (withName && !name) throw new Error(`${this.ref.kind}: metadata.name is required`);
    if (this.ref.namespaced && !namespace) {
      throw new Error(
        `${this.ref.kind} "${name ?? ''}" is namespaced: use .namespace(ns) or set metadata.namespace`,
      );
    }
    return resourcePath(this.ref, namespace, withName ? name : undefined, subresource);
  }

  private async call<R>(
    method: string,
    path: string,
    opts: Parameters<Transport['request']>[2] = {},
  ): Promise<R> {
    return (await this.transport.request(method, path, opts)).body as R;
  }

  get(name: string, opts: { resourceVersion?: string; signal?: AbortSignal } = {}): Promise<T> {
    return this.call('GET', this.path(name), {
      query: { resourceVersion: opts.resourceVersion },
      signal: opts.signal,
    });
  }

  list(opts: ListOptions = {}): Promise<KubeList<T>> {
    return this.call('GET', this.path(), {
      query: {
        ...selectorQuery(opts),
        limit: opts.limit,
        continue: opts.continue,
        resourceVersion: opts.resourceVersion,
        resourceVersionMatch: opts.resourceVersionMatch,
      },
      signal: opts.signal,
    });
  }

  /**
   * Pages of a list, following continue tokens. Throws 410 Expired if a token expires midway
   * (listAll then starts over; see there).
   */
  async *listPages(opts: ListAllOptions = {}): AsyncGenerator<KubeList<T>> {
    const { pageSize = 500, ...rest } = opts;
    let token: string | undefined;
    do {
      const page = await this.list({
        ...rest,
        limit: pageSize,
        continue: token,
        resourceVersion: token ? undefined : rest.resourceVersion,
      });
      yield page;
      token = page.metadata?.continue || undefined;
    } while (token);
  }

  /**
   * Every item, paging through the collection; metadata.resourceVersion is the snapshot's. If a
   * continue token expires midway it falls back to one unpaginated list, like client-go's pager,
   * so the result is always one consistent snapshot.
   */
  async listAll(opts: ListAllOptions = {}): Promise<KubeList<T>> {
    let result: KubeList<T> | undefined;
    try {
      for await (const page of this.listPages(opts)) {
        if (!result) {
          result = {
            apiVersion: page.apiVersion,
            kind: page.kind,
            metadata: { resourceVersion: page.metadata?.resourceVersion },
            items: page.items ?? [],
          };
        } else {
          for (const item of page.items ?? []) result.items.push(item);
        }
      }
    } catch (err) {
      if (!result || !isExpired(err)) throw err;
      const { pageSize: _pageSize, ...rest } = opts;
      const full = await this.list({ ...rest, resourceVersion: undefined });
      return {
        ...full,
        metadata: { resourceVersion: full.metadata?.resourceVersion },
        items: full.items ?? [],
      };
    }
    return result as KubeList<T>;
  }

  watch(opts: WatchOptions = {}): Promise<WatchStream<T>> {
    const query: Query = {
      ...selectorQuery(opts),
      resourceVersion: opts.resourceVersion,
      allowWatchBookmarks: opts.allowWatchBookmarks ? 'true' : undefined,
      timeoutSeconds: opts.timeoutSeconds,
      sendInitialEvents: opts.sendInitialEvents === undefined ? undefined : String(opts.sendInitialEvents),
    };
    if (opts.sendInitialEvents) query.resourceVersionMatch = 'NotOlderThan';
    return this.transport.watch(this.path(), query, { signal: opts.signal }) as Promise<WatchStream<T>>;
  }

  create(obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.call('POST', this.objectPath(obj, undefined, false), {
      query: writeQuery(opts),
      body: obj,
      signal: opts.signal,
    });
  }

  /** PUT: replaces the object (its status is ignored by the server); conflicts on a stale resourceVersion. */
  update(obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.call('PUT', this.objectPath(obj), {
      query: writeQuery(opts),
      body: obj,
      signal: opts.signal,
    });
  }

  /** PUT on the status subresource: only status changes. */
  updateStatus(obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.call('PUT', this.objectPath(obj, 'status'), {
      query: writeQuery(opts),
      body: obj,
      signal: opts.signal,
    });
  }

  patch(name: string, type: PatchType, patch: unknown, opts: PatchOptions = {}): Promise<T> {
    if (type === 'apply' && !opts.fieldManager) throw new Error('server-side apply needs a fieldManager');
    return this.call('PATCH', this.path(name, opts.subresource), {
      query: writeQuery(opts),
      body: type === 'apply' && typeof patch !== 'string' ? JSON.stringify(patch) : patch,
      contentType: patchContentTypes[type],
      signal: opts.signal,
    });
  }

  /** Server-side apply of a (partial) object: JSON is valid apply YAML. */
  apply(obj: T, opts: ApplyOptions): Promise<T> {
    const path = this.objectPath(obj, opts.subresource);
    return this.call('PATCH', path, {
      query: writeQuery(opts),
      body: JSON.stringify(obj),
      contentType: patchContentTypes.apply,
      signal: opts.signal,
    });
  }

  /** Server-side apply to the status subresource. */
  applyStatus(obj: T, opts: Omit<ApplyOptions, 'subresource'>): Promise<T> {
    return this.apply(obj, { ...opts, subresource: 'status' });
  }

  /** The deleted object, the object now marked for deletion (finalizers, grace), or a Status. */
  delete(name: string, opts: DeleteOptions = {}): Promise<T | Status> {
    return this.call('DELETE', this.path(name), { body: deleteBody(opts), signal: opts.signal });
  }

  deleteCollection(
    list: Omit<ListOptions, 'signal'> = {},
    opts: DeleteOptions = {},
  ): Promise<KubeList<T> | Status> {
    return this.call('DELETE', this.path(), {
      query: {
        ...selectorQuery(list),
        limit: list.limit,
        continue: list.continue,
        resourceVersion: list.resourceVersion,
      },
      body: deleteBody(opts),
      signal: opts.signal,
    });
  }

  getSubresource<R = KubeObject>(
    name: string,
    subresource: string,
    opts: { signal?: AbortSignal } = {},
  ): Promise<R> {
    return this.call('GET', this.path(name, subresource), { signal: opts.signal });
  }

  updateSubresource<R = KubeObject>(
    name: string,
    subresource: string,
    body: R,
    opts: WriteOptions = {},
  ): Promise<R> {
    return this.call('PUT', this.path(name, subresource), {
      query: writeQuery(opts),
      body,
      signal: opts.signal,
    });
  }

  /** POST to a subresource: pods/binding, pods/eviction, serviceaccounts/token. */
  createSubresource<R = KubeObject>(
    name: string,
    subresource: string,
    body: unknown,
    opts: WriteOptions = {},
  ): Promise<R> {
    return this.call('POST', this.path(name, subresource), {
      query: writeQuery(opts),
      body,
      signal: opts.signal,
    });
  }

  /** autoscaling/v1 Scale of a Deployment, ReplicaSet or StatefulSet. */
  getScale(name: string): Promise<KubeObject> {
    return this.getSubresource(name, 'scale');
  }

  updateScale(name: string, scale: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    return this.updateSubresource(name, 'scale', scale, opts);
  }

  /** Set spec.replicas through the scale subresource. */
  scale(name: string, replicas: number, opts: WriteOptions = {}): Promise<KubeObject> {
    return this.patch(name, 'merge', { spec: { replicas } }, { ...opts, subresource: 'scale' });
  }

  /** Bind a pod to a node (what the scheduler does): POST pods/{name}/binding. */
  bind(name: string, nodeName: string, opts: WriteOptions & { uid?: string } = {}): Promise<Status> {
    const namespace = this.ns;
    const body = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, namespace, ...(opts.uid ? { uid: opts.uid } : {}) },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    };
    return this.createSubresource(name, 'binding', body, opts);
  }

  /** Evict a pod (honours PodDisruptionBudgets): POST pods/{name}/eviction. */
  evict(name: string, opts: WriteOptions & { deleteOptions?: DeleteOptions } = {}): Promise<Status> {
    const body = {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name, namespace: this.ns },
      ...(opts.deleteOptions ? { deleteOptions: deleteBody(opts.deleteOptions) } : {}),
    };
    return this.createSubresource(name, 'eviction', body, opts);
  }
}
