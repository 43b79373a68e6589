// How admission plugins read (and, for quota, write) other objects: straight through the
// registries, as the API server itself, without HTTP.
import { StatusError } from '../status.ts';
import type { KubeObject, RequestContext, ResourceRegistry } from '../registry/types.ts';

/** The identity the API server uses for its own reads and writes. */
export const apiServerContext = (): RequestContext => ({
  user: { username: 'system:apiserver', groups: ['system:masters'] },
  warnings: [],
});

export class RegistryReader {
  constructor(private readonly registries: ReadonlyMap<string, ResourceRegistry>) {}

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
    try {
      return await this.registry(key).get(apiServerContext(), namespace, name);
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) return undefined;
      throw err;
    }
  }

  async list(key: string, namespace: string): Promise<KubeObject[]> {
    const list = await this.registry(key).list(apiServerContext(), namespace, {});
    return (list.items ?? []) as KubeObject[];
  }
}
