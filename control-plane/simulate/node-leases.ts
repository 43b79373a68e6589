// Node heartbeats: each live simulated node renews its Lease in kube-node-lease every 10 s, as
// the kubelet does; the node lifecycle controller reads them to tell live nodes from dead ones.
// For a thousand nodes the renewals are spread evenly over the interval in small batches (one
// batch per tick), so the API sees a steady trickle instead of a burst every 10 s.
import {
  isAlreadyExists,
  isConflict,
  isNotFound,
  type Client,
  type Clock,
  type KubeObject,
  type Logger,
  type Timer,
} from '../../api/client/index.ts';
import type { Lease } from '../../api/types/index.ts';
import { microTime } from '../controllers/leader-election.ts';

export const nodeLeaseNamespace = 'kube-node-lease';

export interface NodeLeasesConfig {
  client: Client;
  clock: Clock;
  logger: Logger;
  /** Default 10 s, like the kubelet. */
  renewIntervalMs?: number;
  /** Default 40 s, like the kubelet. */
  leaseDurationSeconds?: number;
  /** Batches per interval. Default 20 (a batch every 500 ms). */
  ticksPerInterval?: number;
}

interface Entry {
  name: string;
  uid: string;
  slot: number;
  lease?: Lease & KubeObject;
  busy: boolean;
  /** The renewal in flight, if any. */
  pending?: Promise<void>;
}

export class NodeLeases {
  private readonly entries = new Map<string, Entry>();
  private readonly interval: number;
  private readonly duration: number;
  private readonly ticks: number;
  private tick = 0;
  private timer: Timer | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly config: NodeLeasesConfig) {
    this.interval = config.renewIntervalMs ?? 10_000;
    this.duration = config.leaseDurationSeconds ?? 40;
    this.ticks = Math.max(1, config.ticksPerInterval ?? 20);
  }

  /** Start heartbeating for a node (renews at once, then every interval). */
  add(name: string, uid: string): Promise<void> {
    const entry: Entry = { name, uid, slot: this.entries.size % this.ticks, busy: false };
    this.entries.set(name, entry);
    return this.renew(entry);
  }

  /** The node goes silent: no more renewals. Resolves once a renewal already in flight has landed. */
  remove(name: string): Promise<void> {
    const e = this.entries.get(name);
    this.entries.delete(name);
    return e?.pending ?? Promise.resolve();
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  start(signal: AbortSignal): void {
    const step = () => {
      if (signal.aborted) return;
      const slot = this.tick++ % this.ticks;
      for (const e of this.entries.values()) if (e.slot === slot && !e.busy) this.track(this.renew(e));
      this.timer = this.config.clock.setTimer(this.interval / this.ticks, step);
    };
    this.timer = this.config.clock.setTimer(this.interval / this.ticks, step);
    signal.addEventListener('abort', () => this.timer?.cancel(), { once: true });
  }

  /** Resolves when renewals in flight have finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private renew(e: Entry): Promise<void> {
    const p = this.write(e);
    e.pending = p;
    return p;
  }

  private async write(e: Entry): Promise<void> {
    const leases = this.config.client
      .resource<Lease & KubeObject>('coordination.k8s.io/v1', 'Lease')
      .namespace(nodeLeaseNamespace);
    e.busy = true;
    const now = microTime(this.config.clock.now());
    try {
      if (e.lease) {
        try {
          e.lease = await leases.update({ ...e.lease, spec: { ...e.lease.spec, renewTime: now } });
          return;
        } catch (err) {
          if (!isConflict(err) && !isNotFound(err)) throw err;
          e.lease = undefined; // someone else wrote it, or it was deleted: start over
        }
      }
      const desired: Lease & KubeObject = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name: e.name,
          namespace: nodeLeaseNamespace,
          ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: e.name, uid: e.uid }],
        },
        spec: { holderIdentity: e.name, leaseDurationSeconds: this.duration, renewTime: now },
      };
      try {
        e.lease = await leases.create(desired);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        const current = await leases.get(e.name);
        e.lease = await leases.update({ ...current, spec: { ...current.spec, ...desired.spec } });
      }
    } catch (err) {
      this.config.logger.warn('could not renew node lease', { node: e.name, error: err });
    } finally {
      e.busy = false;
    }
  }
}
