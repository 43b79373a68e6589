// Lease-based leader election (client-go tools/leaderelection), so that of several control
// planes sharing a store only one runs the controllers (Lease kube-system/kube-controller-manager)
// or the scheduler (kube-system/kube-scheduler).
//
// A candidate tries to take the Lease every retry period. The holder renews it every retry
// period; if it cannot renew for renewDeadline it stops leading. Others take over once the
// lease has not changed for leaseDuration, measured on their own clock from when they last saw
// it change (never by comparing our clock with the holder's renewTime), like upstream.
// On a clean stop the holder releases the lease so a successor does not wait the full duration.
import {
  ApiError,
  isAlreadyExists,
  isConflict,
  isNotFound,
  realClock,
  silentLogger,
  sleep,
  type Client,
  type Clock,
  type KubeObject,
  type Logger,
} from '../../api/client/index.ts';

export interface LeaderElectionConfig {
  client: Client;
  /** Lease namespace and name, e.g. kube-system / kube-controller-manager. */
  namespace: string;
  name: string;
  /** Unique per candidate: `<hostname>_<random>` like upstream. */
  identity: string;
  /** How long others wait after the last renewal they saw. Default 15 s. */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it gives up leading. Default 10 s. */
  renewDeadlineMs?: number;
  /** Between attempts to acquire or renew. Default 2 s. */
  retryPeriodMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** Runs while leading; `signal` aborts when leadership is lost or the elector stops. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called after onStartedLeading's work has stopped. */
  onStoppedLeading?(): void;
  /** The observed leader changed (including to ourselves). */
  onNewLeader?(identity: string): void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
export const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class LeaderElector {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private observed: { resourceVersion?: string; spec: LeaseSpec } | undefined;
  private observedAt = 0;
  private leader = '';
  private leading = false;

  constructor(readonly config: LeaderElectionConfig) {
    if (!config?.client) throw new Error('leader election: client is required');
    if (!config.namespace || !config.name)
      throw new Error('leader election: lease namespace and name are required');
    if (!config.identity) throw new Error('leader election: identity is required');
    if (typeof config.onStartedLeading !== 'function')
      throw new Error('leader election: onStartedLeading is required');
    this.clock = config.clock ?? realClock;
    this.logger = config.logger ?? silentLogger;
    this.leaseDurationMs = config.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = config.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = config.retryPeriodMs ?? 2_000;
    if (!(this.leaseDurationMs > this.renewDeadlineMs))
      throw new Error('leader election: leaseDuration must be greater than renewDeadline');
    if (!(this.renewDeadlineMs > this.retryPeriodMs * 1.2))
      throw new Error('leader election: renewDeadline must be greater than 1.2 x retryPeriod');
    if (!(this.retryPeriodMs > 0)) throw new Error('leader election: retryPeriod must be positive');
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The identity holding the lease as last observed ('' if none). */
  currentLeader(): string {
    return this.leader;
  }

  /** Campaign, lead, and campaign again after losing the lease, until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.acquire(signal))) break;
      const leading = new AbortController();
      this.leading = true;
      this.logger.info('acquired lease', { lease: this.leaseName });
      const work = Promise.resolve()
        .then(() => this.config.onStartedLeading(leading.signal))
        .catch((err) => this.logger.error('leading work failed', { lease: this.leaseName, error: err }));
      await this.renewWhileLeading(signal);
      this.leading = false;
      leading.abort();
      await work;
      this.config.onStoppedLeading?.();
      if (signal.aborted) {
        await this.release();
        break;
      }
      this.logger.warn('lost lease', { lease: this.leaseName });
    }
  }

  private get leaseName(): string {
    return `${this.config.namespace}/${this.config.name}`;
  }

  private get leases() {
    return this.config.client.resource('coordination.k8s.io/v1', 'Lease').namespace(this.config.namespace);
  }

  /** Try until we hold the lease (true) or the signal aborts (false). */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal.aborted) return false;
      if (await this.tryAcquireOrRenew()) return true;
      try {
        await sleep(this.retryPeriodMs * (1 + Math.random() * 0.2), { clock: this.clock, signal });
      } catch {
        return false;
      }
    }
  }

  /** Renew every retry period; returns once renewal failed for renewDeadline or the signal aborted. */
  private async renewWhileLeading(signal: AbortSignal): Promise<void> {
    let lastRenew = this.clock.now();
    for (;;) {
      try {
        await sleep(this.retryPeriodMs, { clock: this.clock, signal });
      } catch {
        return;
      }
      const left = lastRenew + this.renewDeadlineMs - this.clock.now();
      const ok = await this.withDeadline(this.tryAcquireOrRenew(), Math.max(left, 0));
      if (ok) lastRenew = this.clock.now();
      else if (this.clock.now() - lastRenew >= this.renewDeadlineMs) return;
    }
  }

  private withDeadline(p: Promise<boolean>, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimer(ms, () => resolve(false));
      p.then(
        (v) => {
          timer.cancel();
          resolve(v);
        },
        () => {
          timer.cancel();
          resolve(false);
        },
      );
    });
  }

  /** One attempt (upstream tryAcquireOrRenew); false when someone else holds a live lease or we lost a race. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const id = this.config.identity;
    const durationSeconds = Math.ceil(this.leaseDurationMs / 1000);
    let lease: KubeObject;
    try {
      lease = await this.leases.get(this.config.name);
    } catch (err) {
      if (!isNotFound(err)) return this.failed('get', err);
      const spec: LeaseSpec = {
        holderIdentity: id,
        leaseDurationSeconds: durationSeconds,
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: 0,
      };
      try {
        const created = await this.leases.create({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.config.name, namespace: this.config.namespace },
          spec,
        });
        this.observe(created, now);
        return true;
      } catch (e) {
        return isAlreadyExists(e) ? false : this.failed('create', e);
      }
    }
    this.observe(lease, now);
    const spec: LeaseSpec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const heldMs = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (holder && holder !== id && this.observedAt + heldMs > now) return false;
    const next: LeaseSpec = {
      holderIdentity: id,
      leaseDurationSeconds: durationSeconds,
      acquireTime: holder === id && spec.acquireTime ? spec.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: holder === id ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
    };
    try {
      const updated = await this.leases.update({ ...lease, spec: next });
      this.observe(updated, now);
      return true;
    } catch (err) {
      return isConflict(err) ? false : this.failed('update', err);
    }
  }

  /** Give the lease up (holder cleared, 1 s duration) so a successor takes over at once. */
  private async release(): Promise<void> {
    try {
      const lease = await this.leases.get(this.config.name);
      if (lease.spec?.holderIdentity !== this.config.identity) return;
      const now = microTime(this.clock.now());
      await this.leases.update({
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: undefined,
          leaseDurationSeconds: 1,
          renewTime: now,
          acquireTime: now,
        },
      });
      this.logger.info('released lease', { lease: this.leaseName });
    } catch (err) {
      this.logger.warn('could not release lease', { lease: this.leaseName, error: err });
    }
  }

  private observe(lease: KubeObject, now: number): void {
    const rv = lease.metadata?.resourceVersion;
    if (this.observed?.resourceVersion !== rv) {
      this.observed = { resourceVersion: rv, spec: lease.spec ?? {} };
      this.observedAt = now;
    }
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder !== this.leader) {
      this.leader = holder;
      if (holder) this.config.onNewLeader?.(holder);
    }
  }

  private failed(op: string, err: unknown): false {
    const detail = err instanceof ApiError ? err.message : String((err as Error)?.message ?? err);
    this.logger.warn(`lease ${op} failed`, { lease: this.leaseName, error: detail });
    return false;
  }
}
