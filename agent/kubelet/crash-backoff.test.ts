import { describe, expect, it } from 'vitest';
import { CrashBackoff } from './crash-backoff.ts';

describe('crash back-off', () => {
  it('lets the first restart happen at once, then waits 10 s doubling up to 5 min', () => {
    let now = 1_000_000;
    const backoff = new CrashBackoff(10_000, 300_000, () => now);
    const key = 'uid/main';
    expect(backoff.remainingMs(key, now)).toBe(0);
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      backoff.restarted(key);
      delays.push(backoff.currentDelayMs(key));
      now += 1000;
    }
    expect(delays).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it('counts the wait from when the container finished', () => {
    let now = 0;
    const backoff = new CrashBackoff(10_000, 300_000, () => now);
    backoff.restarted('k');
    now = 5_000;
    expect(backoff.remainingMs('k', 3_000)).toBe(8_000);
    now = 14_000;
    expect(backoff.remainingMs('k', 3_000)).toBe(0);
  });

  it('starts over after a long healthy run, and forgets a pod', () => {
    let now = 0;
    const backoff = new CrashBackoff(10_000, 300_000, () => now);
    backoff.restarted('a/x');
    backoff.restarted('a/x');
    expect(backoff.currentDelayMs('a/x')).toBe(20_000);
    now += 600_001;
    backoff.restarted('a/x');
    expect(backoff.currentDelayMs('a/x')).toBe(10_000);
    backoff.forget('a/');
    expect(backoff.currentDelayMs('a/x')).toBe(0);
  });
});
