// Whole objects of a small kind (ResourceQuotas, LimitRanges, PriorityClasses, ...) kept by a
// watch cache, for the API server's own reads on hot paths: admission reads some of them on every
// create, the node authorizer some on kubelet reads. One cache per resource, shared by every
// reader of the same registries. The objects are the registry's shared decodes: read-only.
// Never use it for Secrets (it would keep them decrypted in memory) or for large kinds.
import { GenericRegistry } from './registry/store.ts';
import type { StoreContext } from './registry/context.ts';
import type { KubeObject, ResourceRegistry } from './registry/types.ts';
import { WatchCache } from './watch-cache.ts';

export class CachedObjects {
  private readonly cache: WatchCache<KubeObject>;

  constructor(private readonly s: StoreContext) {
    this.cache = new WatchCache({
      backend: s.backend,
      prefix: s.keys.root,
      project: (kv) => s.decoded.get(kv),
    });
  }

  /**
   * The objects of one namespace (of the whole kind when cluster-scoped) in name order, like a
   * LIST; undefined when the cache is not current (or for all namespaces of a namespaced kind).
   */
  list(namespace: string): Promise<KubeObject[] | undefined> {
    if (this.s.type.namespaced && !namespace) return Promise.resolve(undefined);
    const parent = this.s.keys.prefix(this.s.type.namespaced ? namespace : '');
    return this.cache.ifCurrent((view) => view.children(parent));
  }

  /** `{ object }` (no object when there is none); undefined when the cache is not current. */
  get(namespace: string, name: string): Promise<{ object?: KubeObject } | undefined> {
    const key = this.s.keys.key(this.s.type.namespaced ? namespace : '', name);
    return this.cache.ifCurrent((view) => ({ object: view.get(key) }));
  }
}

const caches = new WeakMap<StoreContext, CachedObjects>();

/** The shared cache of a registry's objects; undefined for registries not over the store. */
export function cachedObjects(registry: ResourceRegistry | undefined): CachedObjects | undefined {
  return registry instanceof GenericRegistry ? cachedObjectsOf(registry.context) : undefined;
}

/** The shared cache of the objects of a store context (before its registry exists). */
export function cachedObjectsOf(context: StoreContext): CachedObjects {
  let cache = caches.get(context);
  if (!cache) caches.set(context, (cache = new CachedObjects(context)));
  return cache;
}
