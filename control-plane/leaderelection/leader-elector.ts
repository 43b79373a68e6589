// Leader election on a coordination.k8s.io Lease (client-go tools/leaderelection): of several
// candidates only the holder of a fresh lease does the work, so a highly available control
// plane runs one active scheduler. The holder renews every retry period; if it can not renew
// within the renew deadline it stops leading. Others take over once the lease has not changed
// for its whole duration, measured on their own clock (so clock skew between machines does not
// matter). On a clean stop the holder releases the lease, so a restart does not wait it out.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import {
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
import type { Lease } from '../../api/types/index.ts';

type LeaseObject = Lease & KubeObject;

export interface LeaderElectionConfig {
  client: Client;
  /** The lease, e.g. kube-system/kube-scheduler. */
  namespace?: string;
  name: string;
  /** Who we are; default `<hostname>_<uuid>`, like upstream. */
  identity?: string;
  /** How long a lease holds without renewal. Default 15 s. */
  leaseDurationMs?: number;
  /** Give up leading if renewing fails for this long. Default 10 s. */
  renewDeadlineMs?: number;
  /** Between attempts to acquire or renew. Default 2 s. */
  retryPeriodMs?: number;
  clock?: Clock;
  logger?: Logger;
}

const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class LeaderElector {
  readonly identity: string;
  private readonly namespace: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  /** The record as last seen, and when (on our clock) it last changed. */
  private observed: { holder: string; renewTime: string; at: number } | undefined;
  private leading = false;

  constructor(readonly config: LeaderElectionConfig) {
    if (!config?.client) throw new Error('leader election: config.client is required');
    if (!config.name) throw new Error('leader election: config.name is required');
    this.namespace = config.namespace ?? 'kube-system';
    this.identity = config.identity ?? `${hostname()}_${randomUUID()}`;
    this.leaseDurationMs = config.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = config.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = config.retryPeriodMs ?? 2_000;
    if (!(this.leaseDurationMs > this.renewDeadlineMs))
      throw new Error('leader election: leaseDuration must exceed renewDeadline');
    if (!(this.renewDeadlineMs > this.retryPeriodMs))
      throw new Error('leader election: renewDeadline must exceed retryPeriod');
    this.clock = config.clock ?? realClock;
    this.logger = config.logger ?? silentLogger;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /**
   * Campaign until the signal aborts; while leading, `lead(signal)` runs with a signal that
   * aborts when leadership is lost or the election stops. Leadership lost, it campaigns again.
   */
  async run(signal: AbortSignal, lead: (leading: AbortSignal) => Promise<void>): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.acquire(signal))) return;
      const term = new AbortController();
      const stop = () => term.abort();
      signal.addEventListener('abort', stop, { once: true });
      this.leading = true;
      this.logger.info('became leader', {
        lease: `${this.namespace}/${this.config.name}`,
        identity: this.identity,
      });
      const work = lead(term.signal).catch((err) => this.logger.error('leader work failed', { error: err }));
      await Promise.race([this.renewLoop(term.signal), work]);
      term.abort();
      await work;
      this.leading = false;
      signal.removeEventListener('abort', stop);
      if (signal.aborted) await this.release();
      else this.logger.warn('lost leadership', { lease: `${this.namespace}/${this.config.name}` });
    }
  }

  private leases() {
    return this.config.client
      .resource<LeaseObject>('coordination.k8s.io/v1', 'Lease')
      .namespace(this.namespace);
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) return true;
      await sleep(this.retryPeriodMs, { clock: this.clock, signal }).catch(() => {});
    }
    return false;
  }

  /** Renews every retry period until a renewal is overdue by the renew deadline (or the term ends). */
  private async renewLoop(term: AbortSignal): Promise<void> {
    let lastRenew = this.clock.now();
    while (!term.aborted) {
      await sleep(this.retryPeriodMs, { clock: this.clock, signal: term }).catch(() => {});
      if (term.aborted) return;
      if (await this.tryAcquireOrRenew()) lastRenew = this.clock.now();
      else if (this.clock.now() - lastRenew >= this.renewDeadlineMs) return;
    }
  }

  /** One attempt: take a free or expired lease, or renew ours. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const leases = this.leases();
    const spec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
      renewTime: microTime(now),
    };
    let current: LeaseObject;
    try {
      current = await leases.get(this.config.name);
    } catch (err) {
      if (!isNotFound(err)) return this.failed(err);
      try {
        const created = await leases.create({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.config.name, namespace: this.namespace },
          spec: { ...spec, acquireTime: microTime(now), leaseTransitions: 0 },
        });
        this.observe(created);
        return true;
      } catch (createErr) {
        return isAlreadyExists(createErr) ? false : this.failed(createErr);
      }
    }
    this.observe(current);
    const holder = current.spec?.holderIdentity ?? '';
    const expired = this.observed!.at + this.leaseDurationMs <= now;
    if (holder && holder !== this.identity && !expired) return false;
    const takingOver = holder !== this.identity;
    try {
      const updated = await leases.update({
        ...current,
        spec: {
          ...current.spec,
          ...spec,
          acquireTime: takingOver ? microTime(now) : current.spec?.acquireTime,
          leaseTransitions: (current.spec?.leaseTransitions ?? 0) + (takingOver && holder ? 1 : 0),
        },
      });
      this.observe(updated);
      return true;
    } catch (err) {
      return isConflict(err) ? false : this.failed(err);
    }
  }

  private observe(lease: LeaseObject): void {
    const holder = lease.spec?.holderIdentity ?? '';
    const renewTime = lease.spec?.renewTime ?? '';
    if (!this.observed || this.observed.holder !== holder || this.observed.renewTime !== renewTime) {
      this.observed = { holder, renewTime, at: this.clock.now() };
    }
  }

  private failed(err: unknown): false {
    this.logger.warn('leader election request failed', {
      lease: `${this.namespace}/${this.config.name}`,
      error: err,
    });
    return false;
  }

  /** Give the lease up so the next candidate need not wait for it to expire. */
  private async release(): Promise<void> {
    try {
      const current = await this.leases().get(this.config.name);
      if (current.spec?.holderIdentity !== this.identity) return;
      await this.leases().update({
        ...current,
        spec: {
          ...current.spec,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          renewTime: microTime(this.clock.now()),
        },
      });
    } catch (err) {
      this.logger.warn('could not release the lease', { error: err });
    }
  }
}
