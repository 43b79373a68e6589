// What cluster DNS answers from: the Services and EndpointSlices the agent's informers hold,
// indexed so that every query is a few map lookups (no API call per query, like CoreDNS's
// kubernetes plugin). Tests hand it plain Stores filled by hand; the agent hands it the
// informers' stores.
import { indexByNamespace, type IndexFunc, type KubeObject, type Store } from '../../api/client/index.ts';
import type { Endpoint, EndpointSlice, EndpointSlicePort, Service } from '../../api/types/index.ts';

type Kube<T> = T & KubeObject;
export type ServiceObject = Kube<Service>;
export type SliceObject = Kube<EndpointSlice>;

export const serviceNameLabel = 'kubernetes.io/service-name';

/** The indexes the stores must carry (pass them to the informers or the Stores). */
export const serviceIndexers: Record<string, IndexFunc<ServiceObject>> = {
  namespace: indexByNamespace,
  clusterIP: (s) =>
    (s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : [])).filter((ip) => ip !== 'None'),
};
export const sliceIndexers: Record<string, IndexFunc<SliceObject>> = {
  service: (s) => {
    const svc = s.metadata?.labels?.[serviceNameLabel];
    return svc ? [`${s.metadata?.namespace}/${svc}`] : [];
  },
  address: (s) => (s.endpoints ?? []).flatMap((e) => e.addresses ?? []),
};

/** One address of a service's endpoints, with what DNS needs to name it. */
export interface EndpointAddress {
  ip: string;
  hostname?: string;
  ready: boolean;
  /** The slice's ports (named ports give SRV records). */
  ports: EndpointSlicePort[];
}

export class ClusterRecords {
  constructor(
    private readonly services: Store<ServiceObject>,
    private readonly slices: Store<SliceObject>,
  ) {}

  service(namespace: string, name: string): Service | undefined {
    return this.services.get(`${namespace}/${name}`);
  }

  /** True when any Service lives in the namespace (its `ns.svc.<zone>` name then exists). */
  hasNamespace(namespace: string): boolean {
    return this.services.indexKeys('namespace', namespace).size > 0;
  }

  /** Every address of the service's slices (both families), ready or not. */
  endpoints(namespace: string, name: string): EndpointAddress[] {
    const out: EndpointAddress[] = [];
    for (const slice of this.slices.byIndex('service', `${namespace}/${name}`)) {
      if (slice.addressType === 'FQDN') continue;
      for (const e of slice.endpoints ?? [])
        for (const ip of e.addresses ?? [])
          out.push({ ip, hostname: e.hostname, ready: isReady(e), ports: slice.ports ?? [] });
    }
    return out;
  }

  /** Services whose ClusterIP is `ip`. */
  servicesByIP(ip: string): Service[] {
    return this.services.byIndex('clusterIP', ip);
  }

  /** (service, endpoint) pairs for an endpoint address, for PTR. */
  endpointsByIP(ip: string): { namespace: string; service: string; hostname?: string }[] {
    const out: { namespace: string; service: string; hostname?: string }[] = [];
    for (const slice of this.slices.byIndex('address', ip)) {
      const service = slice.metadata?.labels?.[serviceNameLabel];
      if (!service) continue;
      const e = slice.endpoints.find((x) => x.addresses?.includes(ip));
      out.push({ namespace: slice.metadata?.namespace ?? 'default', service, hostname: e?.hostname });
    }
    return out;
  }
}

/** Upstream treats a missing ready condition as ready. */
function isReady(e: Endpoint): boolean {
  return e.conditions?.ready !== false;
}
