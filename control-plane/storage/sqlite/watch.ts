// In-process watch fan-out. After a batch commits, its events go to every watcher whose prefix
// matches, in revision order. A watcher that starts behind the newest published revision first
// replays the log from SQLite, in bounded chunks on later ticks, while live batches for it are
// buffered; the replay ends exactly at the revision that was published when the watch began,
// and every buffered batch is newer, so there are no gaps and no duplicates.
import { CompactedError, StoreClosedError } from '../errors.ts';
import type { WatchEvent, Watcher, WatchOptions } from '../types.ts';
import type { HistoryReader } from './history.ts';
import { prefixRange } from './key-range.ts';
import type { LogState } from './log.ts';

/** Revisions read per replay chunk: bounds how long one chunk holds the event loop. */
const REPLAY_CHUNK = 5000;

interface Subscription {
  prefix: string;
  /** Deliver only events with a revision above this. */
  after: number;
  opts: WatchOptions;
  /** Live batches that arrived while the log was being replayed. */
  buffered?: WatchEvent[][];
  closed: boolean;
}

export class WatchHub {
  private readonly subs = new Set<Subscription>();
  /** The newest revision whose events have been handed to watchers. */
  private published: number;
  private publishing = false;
  private readonly outbox: { events: WatchEvent[]; revision: number }[] = [];

  constructor(
    private readonly state: LogState,
    private readonly readHistory: HistoryReader,
  ) {
    this.published = state.revision;
  }

  watch(prefix: string, afterRevision: number, opts: WatchOptions): Watcher {
    if (afterRevision < this.state.compactRevision) {
      throw new CompactedError(afterRevision, this.state.compactRevision);
    }
    const sub: Subscription = { prefix, after: afterRevision, opts, closed: false };
    this.subs.add(sub);
    if (afterRevision < this.published) {
      sub.buffered = [];
      const upTo = this.published;
      setImmediate(() => this.replay(sub, afterRevision, upTo));
    }
    return { close: () => this.remove(sub) };
  }

  /** Hands a committed batch to the watchers; `events` are in revision order. */
  publish(events: WatchEvent[], revision: number): void {
    // A watcher's callback may cause another batch to commit (close() drains the queue); that
    // batch waits until this one has reached every watcher, so each sees revision order.
    this.outbox.push({ events, revision });
    if (this.publishing) return;
    this.publishing = true;
    try {
      for (let next = this.outbox.shift(); next; next = this.outbox.shift())
        this.fanOut(next.events, next.revision);
    } finally {
      this.publishing = false;
    }
  }

  private fanOut(events: WatchEvent[], revision: number): void {
    this.published = revision;
    for (const sub of [...this.subs]) {
      // Most watchers match none of a batch (another resource): no array for them.
      let matching: WatchEvent[] | undefined;
      for (const e of events)
        if (e.kv.modRevision > sub.after && e.kv.key.startsWith(sub.prefix)) (matching ??= []).push(e);
      if (sub.buffered) {
        if (matching) sub.buffered.push(matching);
        continue;
      }
      if (matching) this.deliver(sub, matching);
      this.progress(sub, revision);
    }
  }

  /** Ends every watch with `err` (the store is closing). */
  closeAll(err: Error = new StoreClosedError()): void {
    for (const sub of [...this.subs]) this.fail(sub, err);
  }

  get size(): number {
    return this.subs.size;
  }

  private replay(sub: Subscription, from: number, upTo: number): void {
    if (sub.closed) return;
    // Compaction may have passed us between chunks: the events we still need are gone.
    if (from < this.state.compactRevision) {
      return this.fail(sub, new CompactedError(from, this.state.compactRevision));
    }
    const to = Math.min(upTo, from + REPLAY_CHUNK);
    let events: WatchEvent[];
    try {
      events = this.readHistory(prefixRange(sub.prefix), from, to);
    } catch (err) {
      return this.fail(sub, err as Error);
    }
    if (events.length > 0) this.deliver(sub, events);
    if (to < upTo) {
      setImmediate(() => this.replay(sub, to, upTo));
      return;
    }
    const buffered = sub.buffered ?? [];
    sub.buffered = undefined;
    for (const batch of buffered) this.deliver(sub, batch);
    this.progress(sub, this.published);
  }

  private deliver(sub: Subscription, events: WatchEvent[]): void {
    if (sub.closed) return;
    try {
      sub.opts.onEvents(events);
    } catch (err) {
      // A broken consumer loses its watch, not the store.
      this.fail(sub, err as Error);
    }
  }

  private progress(sub: Subscription, revision: number): void {
    if (sub.closed || !sub.opts.onProgress) return;
    try {
      sub.opts.onProgress(revision);
    } catch (err) {
      this.fail(sub, err as Error);
    }
  }

  private fail(sub: Subscription, err: Error): void {
    if (sub.closed) return;
    this.remove(sub);
    try {
      sub.opts.onError?.(err);
    } catch {
      // Nothing left to tell.
    }
  }

  private remove(sub: Subscription): void {
    sub.closed = true;
    this.subs.delete(sub);
  }
}
