// How admission plugins read (and, for quota, write) other objects: straight through the
// registries, as the API server itself, without HTTP. The few small kinds that plugins read on
// (nearly) every create come from a watch cache when it is current (../cached-objects.ts), so a
// burst of creates does not list the namespace's ResourceQuotas and LimitRanges each time; an
// object written a moment ago is seen either way. Objects read here are shared: read-only.
import { cachedObjects } from '../cached-objects.ts';
import { StatusError } from '../status.ts';
import type { KubeObject, RequestContext, ResourceRegistry } from '../registry/types.ts';

/** Kinds read on every create (of anything, or of every pod): few objects, and small ones. */
const cachedKinds = new Set([
  '/v1/resourcequotas',
  '/v1/limitranges',
  '/v1/serviceaccounts',
  'scheduling.k8s.io/v1/priorityclasses',
  'storage.k8s.io/v1/storageclasses',
]);

/** The identity the API server uses for its own reads and writes. */
export const apiServerContext = (): RequestContext => ({
  user: { username: 'system:apiserver', groups: ['system:masters'] },
  warnings: [],
});

export class RegistryReader {
  constructor(
    private readonly registries: ReadonlyMap<string, ResourceRegistry>,
    /** Off: every read goes to the store (the benchmark's baseline). */
    private readonly watchCache = true,
  ) {}

  /** The registry at `group/version/plural` (`/v1/pods`); throws if not served. */
  registry(key: string): ResourceRegistry {
    const r = this.registries.get(key);
    if (!r) throw new Error(`admission: resource ${key} is not served`);
    return r;
  }

  has(key: string): boolean {
    return this.registries.has(key);
  }

  async get(key: string, namespace: string, name: string): Promise<KubeObject | undefined> {
    const cached =
      this.watchCache && cachedKinds.has(key)
        ? await cachedObjects(this.registry(key))?.get(namespace, name)
        : undefined;
    if (cached) return cached.object;
    try {
      return await this.registry(key).get(apiServerContext(), namespace, name);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return undefined;
      throw err;
    }
  }

  async list(key: string, namespace: string): Promise<KubeObject[]> {
    const cached =
      this.watchCache && cachedKinds.has(key)
        ? await cachedObjects(this.registry(key))?.list(namespace)
        : undefined;
    if (cached) return cached;
    const list = await this.registry(key).list(apiServerContext(), namespace, {});
    return (list.items ?? []) as KubeObject[];
  }
}
