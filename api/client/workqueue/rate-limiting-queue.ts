// The queue controllers use: a delaying queue plus a rate limiter deciding retry delays.
// The usual worker loop is runWorkers() in workers.ts.
import { realClock, type Clock } from '../clock.ts';
import { DelayingQueue } from './delaying-queue.ts';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiters.ts';

export interface RateLimitingQueueOptions<T> {
  clock?: Clock;
  rateLimiter?: RateLimiter<T>;
}

export class RateLimitingQueue<T = string> extends DelayingQueue<T> {
  readonly rateLimiter: RateLimiter<T>;

  constructor(opts: RateLimitingQueueOptions<T> = {}) {
    const clock = opts.clock ?? realClock;
    super(clock);
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<T>(clock);
  }

  /** Re-add after the rate limiter's delay for this item (call after a failed attempt). */
  addRateLimited(item: T): void {
    this.addAfter(item, this.rateLimiter.when(item));
  }

  /** The item succeeded (or is given up on): forget its failures. */
  forget(item: T): void {
    this.rateLimiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.rateLimiter.numRequeues(item);
  }
}
