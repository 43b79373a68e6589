// The queue of pods waiting for a node (upstream internal/queue.PriorityQueue), in three parts:
//  - activeQ: ready to be tried, highest priority first, then oldest first;
//  - backoffQ: recently failed, waiting out an exponential backoff (1 s doubling to 10 s);
//  - unschedulable: found no node and wait for a cluster change that could help, i.e. an
//    event registered by one of the plugins that rejected them (a node added, a pod deleted,
//    ...), or for 5 minutes at most.
// A pod whose cycle overlapped such an event goes to backoffQ instead of unschedulable, so the
// event is not lost. Pods with scheduling gates wait aside until the gates are removed.
// The queue also remembers nominations (pod -> node) made by preemption.
import { realClock, type Clock, type Timer } from '../../../api/client/index.ts';
import type { Pod } from '../../../api/types/index.ts';
import type { ClusterEvent } from '../framework/interfaces.ts';
import { newPodInfo, podKey, type PodInfo } from '../framework/pod-info.ts';
import { KeyedHeap } from './heap.ts';

export interface QueuedPodInfo {
  pi: PodInfo;
  /** When it (last) entered the queue: orders pods of equal priority. */
  timestamp: number;
  /** When it was first added, for latency metrics. */
  initialAttemptTimestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** Plugins that rejected it last time (empty: an error, or none recorded). */
  unschedulablePlugins: Set<string>;
}

export interface SchedulingQueueOptions {
  clock?: Clock;
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  /** Longest a pod waits in the unschedulable pool without any event. Default 5 minutes. */
  podMaxInUnschedulablePodsMs?: number;
  /** Which cluster events each plugin wants to hear about (EnqueueExtensions). */
  pluginEvents?: ReadonlyMap<string, ReadonlySet<ClusterEvent>>;
}

export interface QueueCounts {
  active: number;
  backoff: number;
  unschedulable: number;
  gated: number;
}

const noPods: readonly PodInfo[] = Object.freeze([]);

const isGated = (pod: Pod) => (pod.spec?.schedulingGates?.length ?? 0) > 0;

export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly maxUnschedulable: number;
  private readonly pluginEvents: ReadonlyMap<string, ReadonlySet<ClusterEvent>>;
  private readonly activeQ = new KeyedHeap<QueuedPodInfo>(
    (q) => q.pi.key,
    (a, b) => a.pi.priority > b.pi.priority || (a.pi.priority === b.pi.priority && a.timestamp < b.timestamp),
  );
  private readonly backoffQ = new KeyedHeap<QueuedPodInfo>(
    (q) => q.pi.key,
    (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b),
  );
  private readonly unschedulable = new Map<string, QueuedPodInfo & { since: number }>();
  private readonly gated = new Map<string, QueuedPodInfo>();
  /** Popped and not yet decided on. */
  private readonly inFlight = new Map<string, QueuedPodInfo>();
  private waiters: ((q: QueuedPodInfo | undefined) => void)[] = [];
  private cycle = 0;
  private moveRequestCycle = -1;
  private backoffTimer: Timer | undefined;
  private backoffTimerAt = Infinity;
  private flushTimer: Timer | undefined;
  private closed = false;
  private readonly nominations = new Map<string, { pi: PodInfo; nodeName: string }>();
  private readonly nominatedByNode = new Map<string, Map<string, PodInfo>>();

  constructor(opts: SchedulingQueueOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.initialBackoff = opts.podInitialBackoffMs ?? 1000;
    this.maxBackoff = opts.podMaxBackoffMs ?? 10_000;
    this.maxUnschedulable = opts.podMaxInUnschedulablePodsMs ?? 5 * 60_000;
    this.pluginEvents = opts.pluginEvents ?? new Map();
    this.scheduleFlush();
  }

  /** A new pod that needs a node. */
  add(pod: Pod): void {
    if (this.closed) return;
    const now = this.clock.now();
    const q: QueuedPodInfo = {
      pi: newPodInfo(pod),
      timestamp: now,
      initialAttemptTimestamp: now,
      attempts: 0,
      unschedulablePlugins: new Set(),
    };
    this.nominateFromStatus(q.pi);
    if (isGated(pod)) this.gated.set(q.pi.key, q);
    else this.pushActive(q);
  }

  /** The pod changed while waiting: take the new version, and retry it if it may fit now. */
  update(pod: Pod): void {
    if (this.closed) return;
    const key = podKey(pod);
    const pi = newPodInfo(pod);
    this.nominateFromStatus(pi);
    const flying = this.inFlight.get(key);
    if (flying) {
      flying.pi = pi;
      return;
    }
    const gated = this.gated.get(key);
    if (gated) {
      gated.pi = pi;
      if (!isGated(pod)) {
        this.gated.delete(key);
        this.pushActive(gated);
      }
      return;
    }
    for (const heap of [this.activeQ, this.backoffQ]) {
      const q = heap.get(key);
      if (q) {
        q.pi = pi;
        heap.push(q);
        return;
      }
    }
    const u = this.unschedulable.get(key);
    if (u) {
      // Upstream: any spec, label or annotation change may make it schedulable.
      this.unschedulable.delete(key);
      u.pi = pi;
      if (this.isBackingOff(u)) this.pushBackoff(u);
      else this.pushActive(u);
      return;
    }
    this.add(pod);
  }

  /** Gone, or bound by someone: forget it everywhere. */
  delete(pod: Pod): void {
    const key = podKey(pod);
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.unschedulable.delete(key);
    this.gated.delete(key);
    this.inFlight.delete(key);
    this.deleteNomination(key);
  }

  has(key: string): boolean {
    return (
      this.activeQ.has(key) ||
      this.backoffQ.has(key) ||
      this.unschedulable.has(key) ||
      this.gated.has(key) ||
      this.inFlight.has(key)
    );
  }

  /** The next pod to schedule, waiting for one; undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    const q = this.activeQ.pop();
    if (q) return Promise.resolve(this.take(q));
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Pods ready to be popped right now. */
  activeCount(): number {
    return this.activeQ.size;
  }

  private take(q: QueuedPodInfo): QueuedPodInfo {
    q.attempts++;
    this.cycle++;
    this.inFlight.set(q.pi.key, q);
    return q;
  }

  /** The scheduling cycle number of the last pop. */
  schedulingCycle(): number {
    return this.cycle;
  }

  /** The cycle succeeded (the pod is assumed): it leaves the queue. */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * The pod found no node (`unschedulablePlugins` says who refused) or hit an error (empty set).
   * It waits for a helpful event, or just for its backoff if one already happened meanwhile.
   */
  addUnschedulable(q: QueuedPodInfo, podSchedulingCycle: number): void {
    const key = q.pi.key;
    if (!this.inFlight.delete(key) || this.closed) return;
    if (this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key)) return;
    q.timestamp = this.clock.now();
    if (q.unschedulablePlugins.size === 0 || this.moveRequestCycle >= podSchedulingCycle) this.pushBackoff(q);
    else this.unschedulable.set(key, { ...q, since: q.timestamp });
  }

  /** Something changed in the cluster: retry the pods that a plugin interested in it rejected. */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent): void {
    this.moveRequestCycle = this.cycle;
    for (const [key, u] of this.unschedulable) {
      if (!this.interested(u, event)) continue;
      this.unschedulable.delete(key);
      if (this.isBackingOff(u)) this.pushBackoff(u);
      else this.pushActive(u);
    }
  }

  private interested(q: QueuedPodInfo, event: ClusterEvent): boolean {
    if (q.unschedulablePlugins.size === 0) return true;
    for (const p of q.unschedulablePlugins) if (this.pluginEvents.get(p)?.has(event) ?? true) return true;
    return false;
  }

  counts(): QueueCounts {
    return {
      active: this.activeQ.size,
      backoff: this.backoffQ.size,
      unschedulable: this.unschedulable.size,
      gated: this.gated.size,
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.backoffTimer?.cancel();
    this.flushTimer?.cancel();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(undefined);
  }

  // Nominations: pods preemption made room for, counted on that node by lower-priority pods.

  addNomination(pi: PodInfo, nodeName: string): void {
    this.deleteNomination(pi.key);
    if (!nodeName) return;
    this.nominations.set(pi.key, { pi, nodeName });
    let m = this.nominatedByNode.get(nodeName);
    if (!m) this.nominatedByNode.set(nodeName, (m = new Map()));
    m.set(pi.key, pi);
  }

  deleteNomination(key: string): void {
    const n = this.nominations.get(key);
    if (!n) return;
    this.nominations.delete(key);
    const m = this.nominatedByNode.get(n.nodeName);
    m?.delete(key);
    if (m?.size === 0) this.nominatedByNode.delete(n.nodeName);
  }

  nominatedPods(nodeName: string): readonly PodInfo[] {
    // Called for every node filtered: no allocation in the usual case of no nominations.
    if (this.nominatedByNode.size === 0) return noPods;
    const m = this.nominatedByNode.get(nodeName);
    return m ? [...m.values()] : noPods;
  }

  private nominateFromStatus(pi: PodInfo): void {
    const nominated = pi.pod.status?.nominatedNodeName;
    if (nominated) this.addNomination(pi, nominated);
    else this.deleteNomination(pi.key);
  }

  // Internals.

  private pushActive(q: QueuedPodInfo): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(this.take(q));
    else this.activeQ.push(q);
  }

  private backoffDuration(q: QueuedPodInfo): number {
    if (q.attempts <= 0) return 0;
    return Math.min(this.maxBackoff, this.initialBackoff * 2 ** (q.attempts - 1));
  }

  private backoffExpiry(q: QueuedPodInfo): number {
    return q.timestamp + this.backoffDuration(q);
  }

  private isBackingOff(q: QueuedPodInfo): boolean {
    return this.backoffExpiry(q) > this.clock.now();
  }

  private pushBackoff(q: QueuedPodInfo): void {
    if (!this.isBackingOff(q)) return this.pushActive(q);
    this.backoffQ.push(q);
    this.scheduleBackoffTimer();
  }

  private scheduleBackoffTimer(): void {
    const first = this.backoffQ.peek();
    if (!first || this.closed) return;
    const at = this.backoffExpiry(first);
    if (this.backoffTimer && this.backoffTimerAt <= at) return;
    this.backoffTimer?.cancel();
    this.backoffTimerAt = at;
    this.backoffTimer = this.clock.setTimer(at - this.clock.now(), () => {
      this.backoffTimer = undefined;
      this.backoffTimerAt = Infinity;
      this.flushBackoff();
    });
  }

  private flushBackoff(): void {
    for (let q = this.backoffQ.peek(); q && !this.isBackingOff(q); q = this.backoffQ.peek()) {
      this.backoffQ.pop();
      this.pushActive(q);
    }
    this.scheduleBackoffTimer();
  }

  /** Every 30 s, pods waiting longer than the limit get another try (upstream's leftover flush). */
  private scheduleFlush(): void {
    this.flushTimer = this.clock.setTimer(30_000, () => {
      if (this.closed) return;
      const now = this.clock.now();
      for (const [key, u] of this.unschedulable) {
        if (now - u.since < this.maxUnschedulable) continue;
        this.unschedulable.delete(key);
        this.pushBackoff(u);
      }
      this.scheduleFlush();
    });
  }
}
