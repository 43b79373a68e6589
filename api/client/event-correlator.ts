// Upstream's event correlator (client-go tools/record/events_cache.go), the part of recording
// that keeps a busy controller from flooding the store:
//  - spam filter: per source and object, a token bucket (burst 25, one more every 5 minutes);
//    events over it are dropped;
//  - aggregation: more than 10 events that differ only in their message, within 10 minutes,
//    become one event whose message says "(combined from similar events): <latest>";
//  - deduplication: the same event again becomes a patch of the existing Event (count + 1,
//    lastTimestamp now) instead of a new object.
// Pure bookkeeping with an injectable clock; the recorder does the writing.
import type { Clock } from './index.ts';

/** The identity fields of a core/v1 Event, as the correlator compares them. */
export interface EventFacts {
  source: { component?: string; host?: string };
  involvedObject: {
    apiVersion?: string;
    kind?: string;
    namespace?: string;
    name?: string;
    uid?: string;
    fieldPath?: string;
  };
  type: string;
  reason: string;
  message: string;
  reportingComponent?: string;
  reportingInstance?: string;
}

/** What to do with one event. */
export type Correlation =
  | { action: 'drop' }
  /** Write a new Event object with this message. */
  | { action: 'create'; key: string; message: string }
  /** Bump the existing Event: count, lastTimestamp (and message, for aggregates). */
  | { action: 'patch'; key: string; message: string; previous: SeenEvent };

export interface SeenEvent {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

export interface CorrelatorOptions {
  clock: Clock;
  /** Distinct messages allowed per aggregate key in the interval before they combine. Default 10. */
  maxSimilarEvents?: number;
  /** Default 10 minutes. */
  aggregateIntervalMs?: number;
  /** Spam filter bucket size per source+object. Default 25. */
  spamBurst?: number;
  /** Spam filter refill, tokens per second. Default 1/300. */
  spamQps?: number;
  /** How many keys each cache keeps (least recently used go first). Default 4096. */
  cacheSize?: number;
}

export const combinedMessagePrefix = '(combined from similar events): ';

/** A Map that forgets its least recently used entries beyond `max`. */
class LruMap<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

interface Aggregate {
  messages: Set<string>;
  at: number;
}

const objectKey = (f: EventFacts) => {
  const o = f.involvedObject;
  return [o.kind, o.namespace, o.name, o.uid, o.apiVersion, o.fieldPath].join('\0');
};
const sourceKey = (f: EventFacts) => [f.source.component, f.source.host].join('\0');

export class EventCorrelator {
  private readonly clock: Clock;
  private readonly maxSimilar: number;
  private readonly intervalMs: number;
  private readonly burst: number;
  private readonly qps: number;
  private readonly buckets: LruMap<Bucket>;
  private readonly aggregates: LruMap<Aggregate>;
  private readonly seen: LruMap<SeenEvent>;

  constructor(opts: CorrelatorOptions) {
    this.clock = opts.clock;
    this.maxSimilar = opts.maxSimilarEvents ?? 10;
    this.intervalMs = opts.aggregateIntervalMs ?? 10 * 60_000;
    this.burst = opts.spamBurst ?? 25;
    this.qps = opts.spamQps ?? 1 / 300;
    const size = opts.cacheSize ?? 4096;
    this.buckets = new LruMap(size);
    this.aggregates = new LruMap(size);
    this.seen = new LruMap(size);
  }

  /** Decide what to write for this event. Call `remember` once it is written. */
  correlate(facts: EventFacts): Correlation {
    if (!this.allow(facts)) return { action: 'drop' };
    const now = this.clock.now();
    const aggregateKey = [sourceKey(facts), objectKey(facts), facts.type, facts.reason].join('\0');
    let agg = this.aggregates.get(aggregateKey);
    if (!agg || now - agg.at > this.intervalMs) agg = { messages: new Set(), at: now };
    agg.at = now;
    agg.messages.add(facts.message);
    this.aggregates.set(aggregateKey, agg);

    let key = `${aggregateKey}\0${facts.message}`;
    let message = facts.message;
    if (agg.messages.size > this.maxSimilar) {
      key = aggregateKey;
      message = combinedMessagePrefix + facts.message;
    }
    const previous = this.seen.get(key);
    return previous ? { action: 'patch', key, message, previous } : { action: 'create', key, message };
  }

  /** The Event now stored for `key` (after a create or a patch). */
  remember(key: string, seen: SeenEvent): void {
    this.seen.set(key, seen);
  }

  /** The stored Event for `key` is gone (a patch answered 404): the next one creates anew. */
  forget(key: string): void {
    this.seen.delete(key);
  }

  private allow(facts: EventFacts): boolean {
    const key = `${sourceKey(facts)}\0${objectKey(facts)}`;
    const now = this.clock.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.qps);
    b.at = now;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(key, b);
    return ok;
  }
}
