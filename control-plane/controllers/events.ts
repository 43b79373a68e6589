// The event recorder controllers report their decisions through (client-go's record.EventRecorder):
// core/v1 Events that `kubectl describe` and `kubectl get events` show. Repeats of the same
// event (object, type, reason, message) within a while bump `count` on the existing Event, as
// upstream's correlator does, instead of creating a new object each time.
import type { Client, Clock, KubeObject, Logger } from '../../api/client/index.ts';
import { isNotFound, realClock, silentLogger } from '../../api/client/index.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  /** Record an event about `obj`; never throws (events are best effort, like upstream). */
  event(obj: KubeObject, type: EventType, reason: string, message: string): void;
}

export interface EventRecorderConfig {
  client: Client;
  /** The `source.component` and `reportingComponent`, e.g. `replicaset-controller`. */
  component: string;
  clock?: Clock;
  logger?: Logger;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  first: string;
}

/** How long a repeat is folded into the previous Event (upstream's correlator keeps 10 min). */
const aggregateWindowMs = 10 * 60_000;

const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** The API version of an object from its own fields, for involvedObject. */
function referenceOf(obj: KubeObject) {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata?.namespace,
    name: obj.metadata?.name,
    uid: obj.metadata?.uid,
    resourceVersion: obj.metadata?.resourceVersion,
  };
}

export class ApiEventRecorder implements EventRecorder {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly seen = new Map<string, Seen & { at: number }>();
  /** Writes in flight, so tests and shutdown can wait for them. */
  private pending = new Set<Promise<void>>();

  constructor(readonly config: EventRecorderConfig) {
    if (!config.client) throw new Error('event recorder: client is required');
    if (!config.component) throw new Error('event recorder: component is required');
    this.clock = config.clock ?? realClock;
    this.logger = config.logger ?? silentLogger;
  }

  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    const p = this.write(obj, type, reason, message).catch((err) =>
      this.logger.warn('could not write event', { reason, object: obj.metadata?.name, error: err }),
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves once every event recorded so far is written (or failed). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async write(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const namespace = obj.metadata?.namespace || 'default';
    const now = this.clock.now();
    const key = [obj.metadata?.uid, type, reason, message].join('\0');
    const events = this.config.client.resource('v1', 'Event').namespace(namespace);
    const prev = this.seen.get(key);
    if (prev && now - prev.at < aggregateWindowMs) {
      prev.count++;
      prev.at = now;
      try {
        await events.patch(prev.name, 'merge', { count: prev.count, lastTimestamp: rfc3339(now) });
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const name = `${obj.metadata?.name ?? 'unknown'}.${(now * 1000 + Math.floor(Math.random() * 1000)).toString(16)}`;
    const ts = rfc3339(now);
    await events.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: referenceOf(obj),
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: ts,
      lastTimestamp: ts,
      source: { component: this.config.component },
      reportingComponent: this.config.component,
      reportingInstance: '',
    });
    this.seen.set(key, { name, namespace, count: 1, first: ts, at: now });
    if (this.seen.size > 4096) this.forgetOld(now);
  }

  private forgetOld(now: number): void {
    for (const [k, v] of this.seen) if (now - v.at >= aggregateWindowMs) this.seen.delete(k);
  }
}

/** A recorder that keeps events in memory, for unit tests of pure decisions. */
export class MemoryEventRecorder implements EventRecorder {
  readonly events: { object: string; type: EventType; reason: string; message: string }[] = [];
  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    this.events.push({ object: obj.metadata?.name ?? '', type, reason, message });
  }
}
