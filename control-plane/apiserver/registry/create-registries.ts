// The registries of every served resource over one store: what the HTTP layer routes to.
import { resourceTypes } from '../../../api/resources.ts';
import { apiVersionOf, type ResourceType } from '../../../api/resource-type.ts';
import type { Backend } from '../../storage/types.ts';
import { Admission, type AdmissionFactory } from './admission.ts';
import { ServiceAllocator, type ServiceNetworkOptions } from './allocators/service-allocator.ts';
import { cachedObjectsOf } from '../cached-objects.ts';
import { ObjectCodec } from './codec.ts';
import type { StoreContext } from './context.ts';
import { DecodedCache } from './decoded-cache.ts';
import { ResourceKeys } from './keys.ts';
import type { Clock } from './object-meta.ts';
import { strategyFor } from './strategies/index.ts';
import { GenericRegistry } from './store.ts';
import { subresourceHandlers } from './subresources/index.ts';
import type { KubeObject, ResourceRegistry } from './types.ts';
import type { ValueTransformer } from './value-transformer.ts';

export interface RegistryOptions {
  /** Types to serve; default: every type in api/resources.ts. */
  types?: ResourceType[];
  /**
   * Encryption at rest per resource (control-plane/encryption's ResourceTransformers);
   * `resource` is `secrets` for the core group, `<plural>.<group>` otherwise.
   */
  transformers?: { forResource(resource: string): ValueTransformer | undefined };
  /** Server time for creationTimestamp and deletionTimestamp; default: the wall clock. */
  clock?: Clock;
  /** How often a watch that allows bookmarks gets one; default one minute, like upstream. */
  bookmarkIntervalMs?: number;
  /** Admission plugins (ServiceAccount, LimitRanger, ResourceQuota...), built over the registries. */
  admission?: AdmissionFactory;
  /** Service CIDR and node port range for ClusterIP / NodePort allocation. */
  serviceNetwork?: ServiceNetworkOptions;
}

/** Map key of a registry: `group/version/plural` (`/v1/pods`, `apps/v1/deployments`). */
export const registryKey = (rt: Pick<ResourceType, 'group' | 'version' | 'plural'>) =>
  `${rt.group}/${rt.version}/${rt.plural}`;

export function createRegistries(backend: Backend, opts: RegistryOptions = {}): Map<string, GenericRegistry> {
  const types = opts.types ?? resourceTypes;
  const clock = opts.clock ?? (() => new Date());
  const bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 60_000;
  const admission = opts.admission ? new Admission() : undefined;
  const namespaces = types.find((rt) => rt.group === '' && rt.plural === 'namespaces');
  const namespaceContext = namespaces ? contextFor(namespaces) : undefined;

  // Namespaces are read on every namespaced create: from a watch cache of them when it is
  // current (no SQLite read per create), else from the store; decodes are shared (read-only use).
  const namespaceCache = namespaceContext && cachedObjectsOf(namespaceContext);
  const getNamespace = async (name: string): Promise<KubeObject | undefined> => {
    if (!namespaceContext) return { metadata: { name } }; // no namespaces served: nothing to check
    const cached = await namespaceCache!.get('', name);
    if (cached) return cached.object;
    const { kv } = await backend.get(namespaceContext.keys.key('', name));
    return kv ? namespaceContext.decoded.get(kv) : undefined;
  };

  function contextFor(rt: ResourceType): StoreContext {
    const keys = new ResourceKeys(rt);
    const codec = new ObjectCodec(
      opts.transformers?.forResource(rt.group ? `${rt.plural}.${rt.group}` : rt.plural),
    );
    return {
      backend,
      type: rt,
      strategy: strategyFor(rt),
      keys,
      codec,
      decoded: new DecodedCache(codec),
      gr: { group: rt.group, resource: rt.plural },
      apiVersion: apiVersionOf(rt),
      clock,
      bookmarkIntervalMs,
      admission,
      hooks: rt.group === '' && rt.plural === 'services' ? serviceHooks(keys, codec) : undefined,
      getNamespace: (name) => getNamespace(name),
    };
  }

  function serviceHooks(keys: ResourceKeys, codec: ObjectCodec) {
    const stored = async () => (await backend.list(keys.root)).kvs.map((kv) => codec.decode(kv));
    return new ServiceAllocator(backend, opts.serviceNetwork, stored).hooks();
  }

  const out = new Map<string, GenericRegistry>();
  for (const rt of types) {
    const s = rt === namespaces ? namespaceContext! : contextFor(rt);
    out.set(registryKey(rt), new GenericRegistry(s, subresourceHandlers(s)));
  }
  if (admission && opts.admission) admission.plugins = opts.admission(out);
  return out;
}

export type { ResourceRegistry };
