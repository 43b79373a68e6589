// Fan-out of committed events to watchers. Every write is appended to an in-memory event log
// (trimmed by compaction); a new watcher is handed the log's tail after its start revision and
// then every later event, so there is no gap and no duplicate between replay and live events.
// Delivery is asynchronous (one scheduled flush for all watchers), in revision order, and
// progress (the store revision) is reported only after the events up to it were delivered.
import type { WatchEvent, WatchOptions, Watcher } from '../types.ts';

interface Subscription {
  prefix: string;
  opts: WatchOptions;
  pending: WatchEvent[];
  /** Revision last reported through onProgress. */
  reported: number;
  closed: boolean;
  /** Inside its own callback: never re-entered (a callback that closes the store ends it instead). */
  busy: boolean;
}

export class WatchHub {
  /** Events in revision order; only those above the compacted revision. */
  private log: WatchEvent[] = [];
  private readonly subs = new Set<Subscription>();
  /** Resolves after the scheduled flush; writes wait for it, so watchers hear before writers. */
  private flushed?: Promise<void>;

  constructor(private readonly currentRevision: () => number) {}

  /** Resolves once the event has been handed to the watchers. */
  record(event: WatchEvent): Promise<void> {
    this.log.push(event);
    for (const s of this.subs) if (event.kv.key.startsWith(s.prefix)) s.pending.push(event);
    return this.scheduleFlush();
  }

  subscribe(prefix: string, afterRevision: number, opts: WatchOptions): Watcher {
    const s: Subscription = {
      prefix,
      opts,
      pending: [],
      reported: afterRevision,
      closed: false,
      busy: false,
    };
    for (let i = firstAfter(this.log, afterRevision); i < this.log.length; i++) {
      const ev = this.log[i]!;
      if (ev.kv.key.startsWith(prefix)) s.pending.push(ev);
    }
    this.subs.add(s);
    void this.scheduleFlush();
    return {
      close: () => {
        s.closed = true;
        this.subs.delete(s);
      },
    };
  }

  /** Forget events at or below `revision`. */
  compact(revision: number): void {
    this.log = this.log.slice(firstAfter(this.log, revision));
  }

  /** Hand out what was already committed, then end every watch, telling each consumer why. */
  closeAll(reason: Error): void {
    this.flush();
    const subs = [...this.subs];
    this.subs.clear();
    for (const s of subs) {
      s.closed = true;
      s.opts.onError?.(reason);
    }
  }

  private scheduleFlush(): Promise<void> {
    this.flushed ??= new Promise((resolve) =>
      setImmediate(() => {
        this.flushed = undefined;
        this.flush();
        resolve();
      }),
    );
    return this.flushed;
  }

  private flush(): void {
    const revision = this.currentRevision();
    for (const s of [...this.subs]) {
      if (s.closed || s.busy) continue;
      s.busy = true;
      try {
        if (s.pending.length > 0) {
          const batch = s.pending;
          s.pending = [];
          s.opts.onEvents(batch);
        }
        if (!s.closed && s.opts.onProgress && revision > s.reported) {
          s.reported = revision;
          s.opts.onProgress(revision);
        }
      } catch (err) {
        // A consumer that throws can not be trusted to have seen the batch: end its watch.
        s.closed = true;
        this.subs.delete(s);
        s.opts.onError?.(err instanceof Error ? err : new Error(String(err)));
      } finally {
        s.busy = false;
      }
    }
  }
}

/** Index of the first event with revision > `revision`. */
function firstAfter(log: readonly WatchEvent[], revision: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid]!.kv.modRevision <= revision) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
