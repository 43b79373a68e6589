// From an Ingress backend (Service + port by number or name) to pod addresses: the service
// port names the EndpointSlice port (slices carry the service port's name and the pod's
// target port number), and every ready endpoint of the service's slices is a candidate.
// Candidates come back in round-robin order, so each request starts at the next pod and the
// proxy can move on when one refuses.
import type { Store } from '../../api/client/index.ts';
import type { ServiceObject, SliceObject } from '../dns/cluster-records.ts';
import type { Backend } from './routes.ts';

export interface Target {
  host: string;
  port: number;
}

export type PickResult = { targets: Target[] } | { error: string };

export class EndpointPicker {
  private readonly turns = new Map<string, number>();

  /** The stores need the `service` index of agent/dns/cluster-records.ts's sliceIndexers. */
  constructor(
    private readonly services: Store<ServiceObject>,
    private readonly slices: Store<SliceObject>,
  ) {}

  pick(b: Backend): PickResult {
    const key = `${b.namespace}/${b.service}`;
    const svc = this.services.get(key);
    if (!svc) return { error: `service ${key} does not exist` };
    const port = svc.spec?.ports?.find((p) =>
      typeof b.port === 'number' ? p.port === b.port : p.name === b.port,
    );
    if (!port) return { error: `service ${key} has no port ${b.port}` };
    const portName = port.name ?? '';
    const targets: Target[] = [];
    for (const slice of this.slices.byIndex('service', key)) {
      if (slice.addressType === 'FQDN') continue;
      const sp = slice.ports?.find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === 'TCP');
      if (sp?.port === undefined) continue;
      for (const e of slice.endpoints ?? [])
        if (e.conditions?.ready !== false && e.addresses?.[0])
          targets.push({ host: e.addresses[0], port: sp.port });
    }
    if (targets.length === 0) return { error: `no ready endpoints for service ${key} port ${b.port}` };
    targets.sort((x, y) => x.host.localeCompare(y.host) || x.port - y.port);
    const turnKey = `${key}:${b.port}`;
    const turn = (this.turns.get(turnKey) ?? 0) % targets.length;
    this.turns.set(turnKey, turn + 1);
    return { targets: [...targets.slice(turn), ...targets.slice(0, turn)] };
  }
}
