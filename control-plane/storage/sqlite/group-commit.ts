// Group commit: writes queue up during one turn of the event loop and are applied together in
// one transaction on the next, so one fsync acknowledges the whole batch. Every write gets its
// own revision and its own answer: a refusal (key exists, CAS mismatch) is an answer, not a
// failure of the batch. If SQLite itself fails, the batch is rolled back and its writes are
// retried one transaction each, so only the write that really fails is rejected.
import type { WatchEvent } from '../types.ts';
import type { Applied, LogState } from './log.ts';
import type { Db } from './schema.ts';

interface QueuedWrite {
  apply: (state: LogState) => Applied<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export interface CommittedBatch {
  /** Events of the batch's successful writes, in revision order. */
  events: WatchEvent[];
  writes: number;
  /** How long the transaction (including its fsync) held the event loop. */
  millis: number;
}

export class GroupCommit {
  private queue: QueuedWrite[] = [];
  private scheduled = false;
  private readonly begin;
  private readonly commit;
  private readonly rollback;

  constructor(
    private readonly db: Db,
    private readonly state: LogState,
    private readonly maxBatch: number,
    private readonly onCommitted: (batch: CommittedBatch) => void,
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  /** Queues a write; resolves with its result once it is durable. */
  submit<T>(apply: (state: LogState) => Applied<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ apply, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Commits everything queued now (used by close). */
  drain(): void {
    while (this.queue.length > 0) this.flush();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    // A bounded batch keeps each transaction short; the rest waits for the next turn.
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length > 0) this.schedule();
    if (batch.length === 0) return;
    const started = performance.now();
    const outcomes = this.applyTogether(batch) ?? batch.map((write) => this.applyAlone(write));
    const millis = performance.now() - started;
    const events: WatchEvent[] = [];
    outcomes.forEach((outcome, i) => {
      if ('error' in outcome) return batch[i].reject(outcome.error);
      if (outcome.event) events.push(outcome.event);
      batch[i].resolve(outcome.ok);
    });
    if (events.length > 0) this.onCommitted({ events, writes: batch.length, millis });
  }

  private applyTogether(batch: QueuedWrite[]): Applied<unknown>[] | undefined {
    return this.inTransaction(() => batch.map((write) => write.apply(this.state)));
  }

  private applyAlone(write: QueuedWrite): Applied<unknown> {
    let failure: Error | undefined;
    const outcome = this.inTransaction(
      () => write.apply(this.state),
      (err) => (failure = err),
    );
    return outcome ?? { error: failure! };
  }

  /** Runs `work` in one transaction; on any SQLite error rolls back and returns undefined. */
  private inTransaction<T>(work: () => T, onError?: (err: Error) => void): T | undefined {
    const revisionBefore = this.state.revision;
    try {
      this.begin.run();
      const result = work();
      this.commit.run();
      return result;
    } catch (err) {
      if (this.db.inTransaction) this.rollback.run();
      this.state.revision = revisionBefore;
      onError?.(err as Error);
      return undefined;
    }
  }
}
