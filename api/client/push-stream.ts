// A push-to-pull adapter: producers push items (watch events from a socket or from an
// in-process server), a consumer iterates them with `for await`. Buffering is unbounded, but the
// producer can pause above a high-water mark and resume on drain (socket backpressure).

type Waiter<T> = { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void };

export interface PushStreamHooks {
  /** Buffered items passed the high-water mark: pause the producer. */
  onHighWater?: () => void;
  /** The consumer caught up: resume the producer. */
  onDrain?: () => void;
  /** The consumer stopped iterating (break, return, close()). */
  onClose?: () => void;
  highWaterMark?: number;
}

export class PushStream<T> implements AsyncIterable<T> {
  private buffer: T[] = [];
  private head = 0;
  private waiter: Waiter<T> | undefined;
  private ended = false;
  private error: unknown;
  private paused = false;
  private closed = false;

  constructor(private readonly hooks: PushStreamHooks = {}) {}

  push(item: T): void {
    if (this.ended) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ value: item, done: false });
      return;
    }
    this.buffer.push(item);
    if (!this.paused && this.buffer.length - this.head >= (this.hooks.highWaterMark ?? 1000)) {
      this.paused = true;
      this.hooks.onHighWater?.();
    }
  }

  /** No more items; with an error, the consumer gets it after the buffered items. */
  end(err?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.error = err;
    if (this.waiter && this.head >= this.buffer.length) {
      const w = this.waiter;
      this.waiter = undefined;
      if (err !== undefined) w.reject(err);
      else w.resolve({ value: undefined, done: true });
    }
  }

  /** Consumer side: stop, drop what is buffered, tell the producer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer = [];
    this.head = 0;
    this.end();
    this.hooks.onClose?.();
  }

  private next(): Promise<IteratorResult<T>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head++] as T;
      if (this.head === this.buffer.length) {
        this.buffer = [];
        this.head = 0;
        if (this.paused) {
          this.paused = false;
          this.hooks.onDrain?.();
        }
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) {
      if (this.error !== undefined && !this.closed) {
        const err = this.error;
        this.error = undefined;
        return Promise.reject(err);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
