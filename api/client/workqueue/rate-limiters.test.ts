import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.ts';
import {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
} from './rate-limiters.ts';

describe('ItemExponentialFailureRateLimiter', () => {
  it('doubles from 5ms per failure of the same item, up to 1000s', () => {
    const rl = new ItemExponentialFailureRateLimiter(5, 1000_000);
    const delays = Array.from({ length: 20 }, () => rl.when('a'));
    expect(delays.slice(0, 5)).toEqual([5, 10, 20, 40, 80]);
    expect(Math.max(...delays)).toBe(1000_000);
    expect(delays.at(-1)).toBe(1000_000);
    expect(rl.numRequeues('a')).toBe(20);
  });

  it('counts items separately and starts over after forget', () => {
    const rl = new ItemExponentialFailureRateLimiter(5, 1000_000);
    rl.when('a');
    rl.when('a');
    expect(rl.when('b')).toBe(5);
    rl.forget('a');
    expect(rl.numRequeues('a')).toBe(0);
    expect(rl.when('a')).toBe(5);
  });

  it('stays at the cap after very many failures', () => {
    const rl = new ItemExponentialFailureRateLimiter(5, 1000_000);
    for (let i = 0; i < 2000; i++) rl.when('a');
    expect(rl.when('a')).toBe(1000_000);
  });
});

describe('BucketRateLimiter', () => {
  it('lets a burst through, then spaces items at the refill rate', () => {
    const clock = new FakeClock();
    const rl = new BucketRateLimiter(10, 3, clock);
    expect([rl.when('a'), rl.when('b'), rl.when('c')]).toEqual([0, 0, 0]);
    expect(rl.when('d')).toBeCloseTo(100);
    expect(rl.when('e')).toBeCloseTo(200);
  });

  it('refills over time, never beyond the burst', () => {
    const clock = new FakeClock();
    const rl = new BucketRateLimiter(10, 2, clock);
    rl.when('a');
    rl.when('b');
    clock.step(10_000);
    expect([rl.when('c'), rl.when('d')]).toEqual([0, 0]);
    expect(rl.when('e')).toBeCloseTo(100);
  });
});

describe('MaxOfRateLimiter / default controller limiter', () => {
  it('uses the longest delay of its limiters', () => {
    const clock = new FakeClock();
    const rl = new MaxOfRateLimiter(
      new ItemExponentialFailureRateLimiter(5, 1000_000),
      new BucketRateLimiter(1, 1, clock),
    );
    expect(rl.when('a')).toBe(5); // bucket has a token, backoff says 5ms
    expect(rl.when('b')).toBeCloseTo(1000); // bucket empty: one token per second
    rl.forget('a');
    expect(rl.numRequeues('a')).toBe(0);
  });

  it('gives a fresh item of the default limiter 5ms, and a hot one the overall 10 qps', () => {
    const clock = new FakeClock();
    const rl = defaultControllerRateLimiter(clock);
    expect(rl.when('a')).toBe(5);
    for (let i = 0; i < 99; i++) rl.when(`k${i}`);
    expect(rl.when('z')).toBeCloseTo(100);
  });
});
