import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.ts';
import { ItemExponentialFailureRateLimiter } from './rate-limiters.ts';
import { RateLimitingQueue } from './rate-limiting-queue.ts';
import { runWorkers } from './workers.ts';

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('RateLimitingQueue', () => {
  it('re-adds a failing item after exponentially growing delays, and forget resets it', () => {
    const clock = new FakeClock();
    const q = new RateLimitingQueue({
      clock,
      rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000_000),
    });
    q.addRateLimited('a');
    clock.step(4);
    expect(q.len()).toBe(0);
    clock.step(1);
    expect(q.len()).toBe(1);
    q.addRateLimited('b');
    q.addRateLimited('b');
    expect(q.numRequeues('b')).toBe(2);
    q.forget('b');
    expect(q.numRequeues('b')).toBe(0);
  });
});

describe('runWorkers', () => {
  it('retries a failing key with backoff until it succeeds, then forgets its failures', async () => {
    const clock = new FakeClock();
    const q = new RateLimitingQueue({
      clock,
      rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000_000),
    });
    const ac = new AbortController();
    const attempts: number[] = [];
    const done = runWorkers({
      queue: q,
      workers: 2,
      signal: ac.signal,
      sync: async (key) => {
        attempts.push(clock.now());
        if (attempts.length < 4) throw new Error(`${key} not ready`);
      },
    });
    q.add('a');
    await flush();
    for (const step of [5, 10, 20]) {
      clock.step(step - 1);
      await flush();
      const before = attempts.length;
      clock.step(1);
      await flush();
      expect(attempts.length).toBe(before + 1);
    }
    expect(attempts).toEqual([0, 5, 15, 35]);
    expect(q.numRequeues('a')).toBe(0);
    ac.abort();
    await done;
  });

  it('gives up after maxRetries and reports each failure', async () => {
    const clock = new FakeClock();
    const q = new RateLimitingQueue({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(1, 1) });
    const ac = new AbortController();
    const errors: number[] = [];
    const done = runWorkers({
      queue: q,
      workers: 1,
      signal: ac.signal,
      maxRetries: 2,
      onError: (_k, _e, n) => errors.push(n),
      sync: async () => {
        throw new Error('always');
      },
    });
    q.add('a');
    for (let i = 0; i < 10; i++) {
      await flush();
      clock.step(1);
    }
    expect(errors).toEqual([1, 2, 3]);
    expect(q.waitingLen() + q.len()).toBe(0);
    ac.abort();
    await done;
  });

  it('syncs different keys concurrently but one key never twice at once', async () => {
    const q = new RateLimitingQueue<string>({ clock: new FakeClock() });
    const ac = new AbortController();
    const active = new Set<string>();
    let maxConcurrent = 0;
    let overlap = false;
    const release: (() => void)[] = [];
    const done = runWorkers({
      queue: q,
      workers: 3,
      signal: ac.signal,
      sync: async (key) => {
        if (active.has(key)) overlap = true;
        active.add(key);
        maxConcurrent = Math.max(maxConcurrent, active.size);
        await new Promise<void>((r) => release.push(r));
        active.delete(key);
      },
    });
    q.add('a');
    q.add('b');
    q.add('c');
    await flush();
    q.add('a');
    await flush();
    expect(maxConcurrent).toBe(3);
    while (release.length > 0) {
      release.shift()!();
      await flush();
    }
    expect(overlap).toBe(false);
    ac.abort();
    await done;
  });
});
