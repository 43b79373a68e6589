// The proxy's state and its sync (upstream pkg/proxy/iptables Proxier): Services and
// EndpointSlices come in as events, the services they touch are marked changed, and a sync
// writes the top-level chains plus the chains of the changed services in one atomic
// iptables-restore. A full sync (every service's chains, stale chains found by listing the
// table) runs first, after any failed restore, and every `fullSyncIntervalMs`.
import type { Logger } from '../../api/client/index.ts';
import type { EndpointSlice } from '../../api/types/endpoint-slice.ts';
import type { Service } from '../../api/types/service.ts';
import { isServiceChain } from './chain-names.ts';
import { deleteUdpFlows, staleUdpFlows, type ConntrackFilter } from './conntrack.ts';
import { missingJumps, parseSave, type Iptables } from './iptables.ts';
import { buildRules, type TopLevelRules } from './rules.ts';
import { SERVICE_NAME_LABEL, servicePortsOf, type ProxyServicePort } from './service-ports.ts';

export interface ProxierOptions {
  iptables: Iptables;
  nodeName: string;
  /** The pod network (upstream --cluster-cidr): off-cluster traffic to ClusterIPs is masqueraded. */
  clusterCIDR?: string;
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
  /** Services whose chains were written. */
  services: number;
  restoreBytes: number;
}

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) =>
  `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

export class Proxier {
  private readonly services = new Map<string, Service>();
  /** Service key -> slice key -> slice. */
  private readonly slices = new Map<string, Map<string, EndpointSlice>>();
  /** What the last successful sync programmed, per service. */
  private readonly applied = new Map<string, ProxyServicePort[]>();
  private changed = new Set<string>();
  /** Per-service chains in the kernel after the last successful sync. */
  private written = new Set<string>();
  /** Each service's rules in the top-level chains after the last successful sync. */
  private topLevel = new Map<string, TopLevelRules>();
  private needFull = true;
  private lastFull = 0;
  private readonly now: () => number;
  private randomFully: boolean | undefined;
  private pendingWait: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(private readonly opts: ProxierOptions) {
    this.now = opts.now ?? Date.now;
  }

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
    return servicePortsOf(svc, [...(this.slices.get(key)?.values() ?? [])], this.opts.nodeName);
  }

  /** One sync: partial unless a full one is due. Throws when iptables-restore fails. */
  async sync(opts: { full?: boolean } = {}): Promise<SyncResult> {
    const { iptables, fullSyncIntervalMs = 5 * 60_000 } = this.opts;
    const full = opts.full || this.needFull || this.now() - this.lastFull >= fullSyncIntervalMs;
    const changed = this.changed;
    this.changed = new Set();
    try {
      const next = new Map(this.applied);
      for (const key of changed) {
        const ports = this.portsOf(key);
        if (ports.length > 0) next.set(key, ports);
        else next.delete(key);
      }
      const keys = [...next.keys()].sort();
      const all = keys.flatMap((k) => next.get(k)!);
      let stale: Iterable<string> = this.written;
      let jumps: { filter: string[]; nat: string[] } | undefined;
      if (full) {
        this.randomFully ??= await iptables.supportsRandomFully();
        // One look at the kernel: our chains left from before (a restart) and missing jumps.
        const saved = parseSave(await iptables.save());
        stale = [...(saved.chains.get('nat') ?? [])].filter(isServiceChain);
        jumps = missingJumps(saved);
      }
      const rules = buildRules(all, {
        changed: full ? 'all' : changed,
        previousTopLevel: this.topLevel,
        jumps,
        staleChains: stale,
        clusterCIDR: this.opts.clusterCIDR,
        nodePortIPs: this.opts.nodePortIPs?.(),
        randomFully: this.randomFully ?? false,
      });
      await iptables.restore(rules.text);
      this.written = rules.natChains;
      this.topLevel = rules.topLevel;
      const flows: ConntrackFilter[] = [];
      for (const key of changed)
        flows.push(...staleUdpFlows(this.applied.get(key) ?? [], next.get(key) ?? []));
      this.applied.clear();
      for (const [k, v] of next) this.applied.set(k, v);
      if (full) {
        this.needFull = false;
        this.lastFull = this.now();
      }
      if (flows.length > 0) {
        const failed = await (this.opts.deleteUdpFlows ?? deleteUdpFlows)(flows);
        if (failed > 0) this.opts.logger.warn('deleting stale UDP conntrack entries failed', { failed });
      }
      return { full, services: full ? keys.length : changed.size, restoreBytes: rules.text.length };
    } catch (err) {
      // The kernel may hold only part of what we think: rewrite everything next time.
      for (const key of changed) this.changed.add(key);
      this.needFull = true;
      throw err;
    }
  }
}
