// The standard controller worker loop over a rate-limited queue: take a key, sync it, forget it
// on success or re-add it with backoff on failure, always mark it done.
import type { RateLimitingQueue } from './rate-limiting-queue.ts';

export interface RunWorkersOptions<T> {
  queue: RateLimitingQueue<T>;
  /** How many items are synced concurrently (never the same item twice). */
  workers: number;
  sync: (item: T) => Promise<void>;
  /** Aborting shuts the queue down; workers finish their current item and return. */
  signal: AbortSignal;
  /** Give up on an item after this many failed attempts in a row. Default: never. */
  maxRetries?: number;
  onError?: (item: T, err: unknown, attempts: number) => void;
}

/** Resolves when every worker has stopped. */
export async function runWorkers<T>(opts: RunWorkersOptions<T>): Promise<void> {
  const { queue, signal } = opts;
  const stop = () => queue.shutDown();
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });

  const worker = async () => {
    for (;;) {
      const item = await queue.get();
      if (item === undefined) return;
      if (signal.aborted) {
        queue.done(item);
        return;
      }
      try {
        await opts.sync(item);
        queue.forget(item);
      } catch (err) {
        const attempts = queue.numRequeues(item) + 1;
        opts.onError?.(item, err, attempts);
        if (opts.maxRetries !== undefined && attempts > opts.maxRetries) queue.forget(item);
        else queue.addRateLimited(item);
      } finally {
        queue.done(item);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.workers) }, worker));
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
