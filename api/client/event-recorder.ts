// The event recorder every controller and the scheduler report their decisions through
// (client-go's record.EventRecorder): core/v1 Events that `kubectl describe` and `kubectl get
// events` show, with involvedObject, reason, message, type, source.component and
// reportingComponent. Repeats are folded by the correlator (event-correlator.ts): the same event
// again bumps `count` and `lastTimestamp` on the existing Event, many similar ones combine, and a
// spamming object is throttled.
//
// Recording never blocks and never throws: events are queued (at most 1000, like upstream's
// broadcaster channel; more are dropped) and written one at a time in order, so a repeat always
// sees the Event its predecessor created.
import type { Client, Clock, KubeObject, Logger } from './index.ts';
import { isNotFound, realClock, silentLogger } from './index.ts';
import { EventCorrelator, type EventFacts } from './event-correlator.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  /** Record an event about `obj`; never throws (events are best effort, like upstream). */
  event(obj: KubeObject, type: EventType, reason: string, message: string): void;
}

export interface EventRecorderConfig {
  client: Client;
  /** The `source.component` and `reportingComponent`, e.g. `replicaset-controller`. */
  component: string;
  /** `source.host`: the node, for node-side components (simulated kubelets). */
  host?: string;
  /** `reportingInstance`, e.g. the manager's identity. Default: the host or ''. */
  reportingInstance?: string;
  clock?: Clock;
  logger?: Logger;
  /** Events waiting to be written beyond this are dropped. Default 1000. */
  maxQueued?: number;
}

/** Upstream's maximum queued events per broadcaster. */
const defaultMaxQueued = 1000;

/** RFC 3339 with whole seconds, as metav1.Time serialises. */
export const rfc3339Seconds = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** The ObjectReference an Event points at (upstream ref.GetReference). */
export function objectReference(
  obj: KubeObject,
): EventFacts['involvedObject'] & { resourceVersion?: string } {
  const ref: Record<string, string> = {};
  const set = (k: string, v: unknown) => {
    if (typeof v === 'string' && v !== '') ref[k] = v;
  };
  set('kind', obj.kind);
  set('namespace', obj.metadata?.namespace);
  set('name', obj.metadata?.name);
  set('uid', obj.metadata?.uid);
  set('apiVersion', obj.apiVersion);
  set('resourceVersion', obj.metadata?.resourceVersion);
  return ref;
}

/** A unique Event name like upstream's `<object>.<unix nanos in hex>`. */
let lastNanos = 0n;
function eventName(objectName: string, nowMs: number): string {
  let nanos = BigInt(Math.floor(nowMs)) * 1_000_000n;
  if (nanos <= lastNanos) nanos = lastNanos + 1n;
  lastNanos = nanos;
  return `${objectName || 'unknown'}.${nanos.toString(16)}`;
}

interface Queued {
  obj: KubeObject;
  type: EventType;
  reason: string;
  message: string;
  at: number;
}

export class ApiEventRecorder implements EventRecorder {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly correlator: EventCorrelator;
  private readonly maxQueued: number;
  private queue: Queued[] = [];
  private draining: Promise<void> | undefined;
  /** Events dropped because the queue was full, or by the spam filter. */
  dropped = 0;

  constructor(readonly config: EventRecorderConfig) {
    if (!config?.client) throw new Error('event recorder: client is required');
    if (!config.component) throw new Error('event recorder: component is required');
    this.clock = config.clock ?? realClock;
    this.logger = config.logger ?? silentLogger;
    this.maxQueued = config.maxQueued ?? defaultMaxQueued;
    this.correlator = new EventCorrelator({ clock: this.clock });
  }

  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    if (this.queue.length >= this.maxQueued) {
      this.dropped++;
      return;
    }
    this.queue.push({ obj, type, reason, message, at: this.clock.now() });
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  /** Resolves once every event recorded so far is written (or failed). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      try {
        await this.write(next);
      } catch (err) {
        this.logger.warn('could not write event', {
          object: `${next.obj.metadata?.namespace ?? ''}/${next.obj.metadata?.name ?? ''}`,
          reason: next.reason,
          error: err,
        });
      }
    }
  }

  private async write(e: Queued): Promise<void> {
    const { component, host } = this.config;
    const source = host ? { component, host } : { component };
    const involvedObject = objectReference(e.obj);
    const facts: EventFacts = {
      source,
      involvedObject,
      type: e.type,
      reason: e.reason,
      message: e.message,
      reportingComponent: component,
      reportingInstance: this.config.reportingInstance ?? host ?? '',
    };
    const c = this.correlator.correlate(facts);
    if (c.action === 'drop') {
      this.dropped++;
      return;
    }
    // Events about cluster-scoped objects (nodes) live in `default`, like upstream.
    const namespace = involvedObject.namespace || 'default';
    const events = this.config.client.resource('v1', 'Event').namespace(namespace);
    const ts = rfc3339Seconds(e.at);
    if (c.action === 'patch') {
      const count = c.previous.count + 1;
      try {
        await events.patch(c.previous.name, 'merge', { count, lastTimestamp: ts, message: c.message });
        this.correlator.remember(c.key, { ...c.previous, count });
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        this.correlator.forget(c.key);
      }
    }
    const name = eventName(involvedObject.name ?? '', e.at);
    await events.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject,
      reason: e.reason,
      message: c.message,
      type: e.type,
      count: 1,
      firstTimestamp: ts,
      lastTimestamp: ts,
      source,
      reportingComponent: facts.reportingComponent,
      reportingInstance: facts.reportingInstance,
    });
    this.correlator.remember(c.key, { name, namespace, count: 1, firstTimestamp: ts });
  }
}

/** A recorder that keeps events in memory, for unit tests of pure decisions. */
export class MemoryEventRecorder implements EventRecorder {
  readonly events: {
    object: string;
    namespace?: string;
    type: EventType;
    reason: string;
    message: string;
  }[] = [];
  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    this.events.push({
      object: obj.metadata?.name ?? '',
      namespace: obj.metadata?.namespace,
      type,
      reason,
      message,
    });
  }
  /** `Reason message` of every event, in order: easy to assert on. */
  lines(): string[] {
    return this.events.map((e) => `${e.reason} ${e.message}`);
  }
}
