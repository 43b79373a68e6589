// What every proxy mode shares (upstream pkg/proxy's change trackers): Services and
// EndpointSlices come in as events, the services they touch are marked changed, and a sync hands
// the changed services' ports to the mode's `apply`, which writes them to the kernel in one
// transaction. A full sync (everything rewritten, leftovers found by listing the kernel) runs
// first, after any failed apply, and every `fullSyncIntervalMs`. Stale UDP conntrack entries are
// deleted after the rules that stop using an endpoint are in place.
import type { Logger } from '../../api/client/index.ts';
import type { EndpointSlice } from '../../api/types/endpoint-slice.ts';
import type { Service } from '../../api/types/service.ts';
import { deleteUdpFlows, staleUdpFlows, type ConntrackFilter } from './conntrack.ts';
import { SERVICE_NAME_LABEL, servicePortsOf, type ProxyServicePort } from './service-ports.ts';

export interface ProxierBaseOptions {
  nodeName: string;
  /** The pod network (upstream --cluster-cidr): off-cluster traffic to ClusterIPs is masqueraded. */
  clusterCIDR?: string;
  /**
   * The ClusterIP range (upstream: the ServiceCIDRs): nftables mode drops traffic to its addresses
   * no service has; iptables mode, like upstream's, does not use it.
   */
  serviceCIDR?: string;
  /** The node IPs NodePorts answer on; undefined: every local address (not 127.0.0.0/8). */
  nodePortIPs?: () => string[] | undefined;
  fullSyncIntervalMs?: number;
  logger: Logger;
  /** Deletes stale UDP flows (default: the conntrack tool). */
  deleteUdpFlows?: (filters: readonly ConntrackFilter[]) => Promise<number>;
  now?: () => number;
}

export interface SyncResult {
  full: boolean;
  /** Services whose rules were written. */
  services: number;
  /** Size of the text handed to iptables-restore or nft. */
  restoreBytes: number;
}

/** One sync's input for a mode's `apply`. */
export interface SyncPlan {
  full: boolean;
  /** Services ("ns/name") whose ports may differ from what the last sync programmed. */
  changed: ReadonlySet<string>;
  /** Every service's ports after this sync, sorted by service key (built when first read). */
  readonly ports: ProxyServicePort[];
  /** Per service, after this sync (services without ports are absent). */
  next: ReadonlyMap<string, ProxyServicePort[]>;
  /** For each changed service, what the last successful sync programmed (undefined: nothing). */
  previous: ReadonlyMap<string, ProxyServicePort[] | undefined>;
}

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) =>
  `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

export abstract class ProxierBase {
  private readonly services = new Map<string, Service>();
  /** Service key -> slice key -> slice. */
  private readonly slices = new Map<string, Map<string, EndpointSlice>>();
  /** What the last successful sync programmed, per service. */
  private readonly applied = new Map<string, ProxyServicePort[]>();
  private changed = new Set<string>();
  private needFull = true;
  private lastFull = 0;
  private readonly now: () => number;
  private pendingWait: { promise: Promise<void>; resolve: () => void } | undefined;
  /** A sync updates `applied` in place while it runs: syncs must not overlap. */
  private syncing = false;

  constructor(protected readonly base: ProxierBaseOptions) {
    this.now = base.now ?? Date.now;
  }

  /** Writes one sync to the kernel in one transaction; returns the size of what it wrote. Throws when that fails. */
  protected abstract apply(plan: SyncPlan): Promise<number>;

  /** Whether a sync has something to do. */
  get pending(): boolean {
    return this.changed.size > 0 || this.needFull;
  }

  setService(svc: Service): void {
    this.services.set(keyOf(svc), svc);
    this.markChanged(keyOf(svc));
  }

  deleteService(svc: Service): void {
    this.services.delete(keyOf(svc));
    this.markChanged(keyOf(svc));
  }

  setEndpointSlice(slice: EndpointSlice): void {
    const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!service) return;
    const key = `${slice.metadata?.namespace ?? ''}/${service}`;
    let forService = this.slices.get(key);
    if (!forService) this.slices.set(key, (forService = new Map()));
    forService.set(keyOf(slice), slice);
    this.markChanged(key);
  }

  deleteEndpointSlice(slice: EndpointSlice): void {
    const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!service) return;
    const key = `${slice.metadata?.namespace ?? ''}/${service}`;
    const forService = this.slices.get(key);
    forService?.delete(keyOf(slice));
    if (forService?.size === 0) this.slices.delete(key);
    this.markChanged(key);
  }

  /** The service ports the last successful sync programmed (for the health check node ports). */
  programmedPorts(): ProxyServicePort[] {
    return [...this.applied.values()].flat();
  }

  /** Next full sync rewrites everything (after a restart, or when the kernel state is in doubt). */
  requestFullSync(): void {
    this.needFull = true;
    this.wake();
  }

  /** Resolves when there is something to sync. */
  whenPending(): Promise<void> {
    if (this.pending) return Promise.resolve();
    if (!this.pendingWait) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.pendingWait = { promise, resolve };
    }
    return this.pendingWait.promise;
  }

  private markChanged(key: string): void {
    this.changed.add(key);
    this.wake();
  }

  private wake(): void {
    this.pendingWait?.resolve();
    this.pendingWait = undefined;
  }

  private portsOf(key: string): ProxyServicePort[] {
    const svc = this.services.get(key);
    if (!svc) return [];
    return servicePortsOf(svc, [...(this.slices.get(key)?.values() ?? [])], this.base.nodeName);
  }

  /** One sync: partial unless a full one is due. Throws when writing to the kernel fails. */
  async sync(opts: { full?: boolean } = {}): Promise<SyncResult> {
    if (this.syncing) throw new Error('a kube-proxy sync is already running');
    this.syncing = true;
    try {
      return await this.syncOnce(opts);
    } finally {
      this.syncing = false;
    }
  }

  private async syncOnce(opts: { full?: boolean }): Promise<SyncResult> {
    const { fullSyncIntervalMs = 5 * 60_000 } = this.base;
    const full = opts.full || this.needFull || this.now() - this.lastFull >= fullSyncIntervalMs;
    const changed = this.changed;
    this.changed = new Set();
    // `applied` becomes the next state in place (copying it costs more than the change at 10,000
    // services); what it held for the changed services is kept to put back if the sync fails.
    const next = this.applied;
    const before = new Map<string, ProxyServicePort[] | undefined>();
    for (const key of changed) {
      before.set(key, next.get(key));
      const ports = this.portsOf(key);
      if (ports.length > 0) next.set(key, ports);
      else next.delete(key);
    }
    try {
      let sorted: ProxyServicePort[] | undefined;
      const bytes = await this.apply({
        full,
        changed,
        next,
        previous: before,
        get ports() {
          return (sorted ??= [...next.keys()].sort().flatMap((k) => next.get(k)!));
        },
      });
      const flows: ConntrackFilter[] = [];
      for (const [key, old] of before) flows.push(...staleUdpFlows(old ?? [], next.get(key) ?? []));
      if (full) {
        this.needFull = false;
        this.lastFull = this.now();
      }
      if (flows.length > 0) {
        const failed = await (this.base.deleteUdpFlows ?? deleteUdpFlows)(flows);
        if (failed > 0) this.base.logger.warn('deleting stale UDP conntrack entries failed', { failed });
      }
      return { full, services: full ? next.size : changed.size, restoreBytes: bytes };
    } catch (err) {
      for (const [key, old] of before) {
        if (old) next.set(key, old);
        else next.delete(key);
      }
      // The kernel may hold only part of what we think: rewrite everything next time.
      for (const key of changed) this.changed.add(key);
      this.needFull = true;
      throw err;
    }
  }
}
