// A work queue whose items can be added after a delay (client-go's DelayingInterface). Waiting
// items sit in a min-heap by due time under one timer; an item added again with an earlier due
// time moves up, with a later one it keeps its earlier slot.
import { realClock, type Clock, type Timer } from '../clock.ts';
import { WorkQueue } from './queue.ts';

interface Waiting<T> {
  item: T;
  at: number;
  seq: number;
  index: number;
}

export class DelayingQueue<T = string> extends WorkQueue<T> {
  private heap: Waiting<T>[] = [];
  private readonly waiting = new Map<T, Waiting<T>>();
  private timer: Timer | undefined;
  private timerAt = Infinity;
  private seq = 0;

  constructor(readonly clock: Clock = realClock) {
    super();
  }

  /** Add the item once `ms` have passed (now, if ms <= 0). */
  addAfter(item: T, ms: number): void {
    if (this.shuttingDown()) return;
    if (ms <= 0) return this.add(item);
    const at = this.clock.now() + ms;
    const existing = this.waiting.get(item);
    if (existing) {
      if (at >= existing.at) return;
      existing.at = at;
      this.up(existing.index);
    } else {
      const w: Waiting<T> = { item, at, seq: this.seq++, index: this.heap.length };
      this.heap.push(w);
      this.waiting.set(item, w);
      this.up(w.index);
    }
    this.schedule();
  }

  /** Items waiting for their delay to pass. */
  waitingLen(): number {
    return this.heap.length;
  }

  protected override onShutDown(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.heap = [];
    this.waiting.clear();
  }

  private schedule(): void {
    const first = this.heap[0];
    if (!first) return;
    if (this.timer && this.timerAt <= first.at) return;
    this.timer?.cancel();
    this.timerAt = first.at;
    this.timer = this.clock.setTimer(first.at - this.clock.now(), () => this.fire());
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.now();
    for (let first = this.heap[0]; first && first.at <= now; first = this.heap[0]) {
      this.pop();
      this.waiting.delete(first.item);
      this.add(first.item);
    }
    this.schedule();
  }

  // Binary min-heap on (at, seq); seq keeps equal due times in insertion order.
  private less(a: Waiting<T>, b: Waiting<T>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i] as Waiting<T>;
    const b = this.heap[j] as Waiting<T>;
    this.heap[i] = b;
    this.heap[j] = a;
    a.index = j;
    b.index = i;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.heap[i] as Waiting<T>, this.heap[parent] as Waiting<T>)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): void {
    const last = this.heap.length - 1;
    this.swap(0, last);
    this.heap.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.heap.length && this.less(this.heap[l] as Waiting<T>, this.heap[m] as Waiting<T>)) m = l;
      if (r < this.heap.length && this.less(this.heap[r] as Waiting<T>, this.heap[m] as Waiting<T>)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
