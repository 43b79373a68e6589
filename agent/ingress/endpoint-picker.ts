// From an Ingress backend (Service + port by number or name) to pod addresses: the service
// port names the EndpointSlice port (slices carry the service port's name and the pod's
// target port number), and every ready endpoint of the service's slices is a candidate.
// Each pick starts at the next candidate (round robin), so the proxy can move on when one
// refuses. The candidate list is computed once per Service/EndpointSlice version and reused
// while the informer cache holds the same objects (informers replace objects, never edit them),
// so a request costs two map lookups here, not a walk over every endpoint.
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
  service: ServiceObject | undefined;
  slices: SliceObject[];
  result: { targets: readonly Target[] } | { error: string };
  turn: number;
}

export class EndpointPicker {
  private readonly cache = new Map<string, Candidates>();

  /** The stores need the `service` index of agent/dns/cluster-records.ts's sliceIndexers. */
  constructor(
    private readonly services: Store<ServiceObject>,
    private readonly slices: Store<SliceObject>,
  ) {}

  pick(b: Backend): PickResult {
    const key = `${b.namespace}/${b.service}`;
    const cacheKey = `${key}:${b.port}`;
    const service = this.services.get(key);
    const slices = this.slices.byIndex('service', key);
    let c = this.cache.get(cacheKey);
    if (!c || c.service !== service || !sameObjects(c.slices, slices)) {
      c = { service, slices, result: candidates(key, b.port, service, slices), turn: c?.turn ?? 0 };
      this.cache.set(cacheKey, c);
    }
    if ('error' in c.result) return c.result;
    const targets = c.result.targets;
    const start = c.turn % targets.length;
    c.turn = start + 1;
    return { targets, start };
  }

  /** Forgets backends no route uses any more (call when the routes change). */
  retain(backends: Backend[]): void {
    const keep = new Set(backends.map((b) => `${b.namespace}/${b.service}:${b.port}`));
    for (const k of this.cache.keys()) if (!keep.has(k)) this.cache.delete(k);
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

function sameObjects<T>(a: T[], b: T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
