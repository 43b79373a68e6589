// From an Ingress backend (Service + port by number or name) to pod addresses: the service
// port names the EndpointSlice port (slices carry the service port's name and the pod's
// target port number), and every ready endpoint of the service's slices is a candidate.
// Each pick starts at the next candidate (round robin), so the proxy can move on when one
// refuses. The candidate list is computed once per Service/EndpointSlice version and reused
// while the informer cache holds the same objects (informers replace objects, never edit them),
// so a request costs a few map lookups here, not a walk over every endpoint.
import type { Store } from '../../api/client/index.ts';
import type { ServiceObject, SliceObject } from '../dns/cluster-records.ts';
import type { Backend } from './routes.ts';

export interface Target {
  host: string;
  port: number;
}

/** The candidates (sorted, shared: never modify) and where this request starts among them. */
export interface Picked {
  targets: readonly Target[];
  start: number;
}

export type PickResult = Picked | { error: string };

interface Candidates {
  /** `namespace/service`, the store key. */
  key: string;
  service: ServiceObject | undefined;
  slices: SliceObject[];
  result: { targets: readonly Target[] } | { error: string };
  turn: number;
}

export class EndpointPicker {
  /** Per backend of the current routes (route tables are rebuilt, so entries go with them). */
  private readonly cache = new WeakMap<Backend, Candidates>();

  /** The stores need the `service` index of agent/dns/cluster-records.ts's sliceIndexers. */
  constructor(
    private readonly services: Store<ServiceObject>,
    private readonly slices: Store<SliceObject>,
  ) {}

  pick(b: Backend): PickResult {
    let c = this.cache.get(b);
    if (!c || !this.current(c)) {
      const key = c?.key ?? `${b.namespace}/${b.service}`;
      const service = this.services.get(key);
      const slices = this.slices.byIndex('service', key);
      c = { key, service, slices, result: candidates(key, b.port, service, slices), turn: c?.turn ?? 0 };
      this.cache.set(b, c);
    }
    if ('error' in c.result) return c.result;
    const targets = c.result.targets;
    const start = c.turn % targets.length;
    c.turn = start + 1;
    return { targets, start };
  }

  /** Whether the informer cache still holds the very objects the candidates came from. */
  private current(c: Candidates): boolean {
    if (this.services.get(c.key) !== c.service) return false;
    const keys = this.slices.indexKeys('service', c.key);
    if (keys.size !== c.slices.length) return false;
    let i = 0;
    for (const k of keys) if (this.slices.get(k) !== c.slices[i++]) return false;
    return true;
  }
}

function candidates(
  key: string,
  servicePort: number | string,
  svc: ServiceObject | undefined,
  slices: SliceObject[],
): { targets: readonly Target[] } | { error: string } {
  if (!svc) return { error: `service ${key} does not exist` };
  const port = svc.spec?.ports?.find((p) =>
    typeof servicePort === 'number' ? p.port === servicePort : p.name === servicePort,
  );
  if (!port) return { error: `service ${key} has no port ${servicePort}` };
  const portName = port.name ?? '';
  const targets: Target[] = [];
  for (const slice of slices) {
    if (slice.addressType === 'FQDN') continue;
    const sp = slice.ports?.find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === 'TCP');
    if (sp?.port === undefined) continue;
    for (const e of slice.endpoints ?? [])
      if (e.conditions?.ready !== false && e.addresses?.[0])
        targets.push({ host: e.addresses[0], port: sp.port });
  }
  if (targets.length === 0) return { error: `no ready endpoints for service ${key} port ${servicePort}` };
  targets.sort((x, y) => (x.host < y.host ? -1 : x.host > y.host ? 1 : x.port - y.port));
  return { targets };
}
