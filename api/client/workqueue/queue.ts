// A work queue of keys, with client-go's workqueue guarantees:
//  - an item queued several times before it is taken is processed once (dedup);
//  - an item is never handed to two workers at once: added while being processed, it is queued
//    again only when the worker calls done();
//  - after shutDown(), add() is ignored, items already queued are still handed out, and get()
//    resolves undefined once the queue is empty.
// Items are compared like Set members, so use string keys (`ns/name`).

type Waiter<T> = (item: T | undefined) => void;

export class WorkQueue<T = string> {
  private items: T[] = [];
  private head = 0;
  /** Queued and not yet taken, or added again while processing. */
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private waiters: Waiter<T>[] = [];
  private shutting = false;
  private drained: (() => void)[] = [];

  add(item: T): void {
    if (this.shutting || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.enqueue(item);
  }

  /** The next item, waiting for one; undefined once shut down and empty. Call done(item) after. */
  get(): Promise<T | undefined> {
    if (this.head < this.items.length) return Promise.resolve(this.take());
    if (this.shutting) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The worker finished with the item; if it was added meanwhile, it is queued again. */
  done(item: T): void {
    if (!this.processing.delete(item)) return;
    if (this.dirty.has(item)) this.enqueue(item);
    if (this.processing.size === 0 && this.drained.length > 0) this.notifyDrained();
  }

  /** Items waiting to be taken (not counting those being processed). */
  len(): number {
    return this.items.length - this.head;
  }

  isProcessing(item: T): boolean {
    return this.processing.has(item);
  }

  shuttingDown(): boolean {
    return this.shutting;
  }

  shutDown(): void {
    if (this.shutting) return;
    this.shutting = true;
    this.onShutDown();
    if (this.len() === 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w(undefined);
    }
  }

  /** Shut down and resolve once every item being processed is done. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /** Subclasses stop their timers here. */
  protected onShutDown(): void {}

  private enqueue(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      // Hand over directly, marking it processing now so a concurrent add() sees it.
      this.dirty.delete(item);
      this.processing.add(item);
      waiter(item);
      return;
    }
    this.items.push(item);
  }

  private take(): T {
    const item = this.items[this.head] as T;
    this.items[this.head++] = undefined as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(item);
    this.processing.add(item);
    return item;
  }

  private notifyDrained(): void {
    const drained = this.drained;
    this.drained = [];
    for (const d of drained) d();
  }
}
