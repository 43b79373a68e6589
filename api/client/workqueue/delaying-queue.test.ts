import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.ts';
import { DelayingQueue } from './delaying-queue.ts';

describe('DelayingQueue', () => {
  it('adds an item only once its delay has passed', () => {
    const clock = new FakeClock();
    const q = new DelayingQueue(clock);
    q.addAfter('a', 100);
    expect(q.len()).toBe(0);
    clock.step(99);
    expect(q.len()).toBe(0);
    clock.step(1);
    expect(q.len()).toBe(1);
    expect(q.waitingLen()).toBe(0);
  });

  it('releases items in due-time order, whatever the order they were added in', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue(clock);
    q.addAfter('late', 300);
    q.addAfter('early', 100);
    q.addAfter('middle', 200);
    clock.step(1000);
    expect([await q.get(), await q.get(), await q.get()]).toEqual(['early', 'middle', 'late']);
  });

  it('keeps the earlier due time when the same item is added twice', () => {
    const clock = new FakeClock();
    const q = new DelayingQueue(clock);
    q.addAfter('a', 500);
    q.addAfter('a', 100);
    q.addAfter('a', 900);
    expect(q.waitingLen()).toBe(1);
    clock.step(100);
    expect(q.len()).toBe(1);
    clock.step(1000);
    expect(q.len()).toBe(1);
  });

  it('adds at once for a zero or negative delay', () => {
    const q = new DelayingQueue(new FakeClock());
    q.addAfter('a', 0);
    q.addAfter('b', -5);
    expect(q.len()).toBe(2);
  });

  it('drops waiting items and their timer on shutDown', () => {
    const clock = new FakeClock();
    const q = new DelayingQueue(clock);
    q.addAfter('a', 100);
    q.shutDown();
    expect(clock.pending()).toBe(0);
    clock.step(200);
    expect(q.len()).toBe(0);
  });

  it('handles many items with random delays in order', async () => {
    const clock = new FakeClock();
    const q = new DelayingQueue<number>(clock);
    const delays = Array.from({ length: 500 }, (_, i) => ((i * 7919) % 1000) + 1);
    delays.forEach((d, i) => q.addAfter(i, d));
    const released: number[] = [];
    for (let t = 0; t <= 1000; t++) {
      clock.step(1);
      while (q.len() > 0) {
        const i = (await q.get())!;
        released.push(delays[i]!);
        q.done(i);
      }
    }
    expect(released).toHaveLength(500);
    expect(released).toEqual([...released].sort((a, b) => a - b));
  });
});
