import { describe, expect, it } from 'vitest';
import { CrashBackoff } from './crash-backoff.ts';
import { ImagePullBackoff } from './images.ts';

describe('image pull back-off', () => {
  it('waits 10 s after a failed pull, twice as long after the next, and not at all once one works', () => {
    let now = 0;
    const clock = () => now;
    const b = new ImagePullBackoff(new CrashBackoff(10_000, 300_000, clock), clock);
    expect(b.remainingMs('uid/main')).toBe(0);
    b.failed('uid/main');
    now = 4_000;
    expect(b.remainingMs('uid/main')).toBe(6_000);
    now = 10_000;
    b.failed('uid/main');
    expect(b.remainingMs('uid/main')).toBe(20_000);
    expect(b.remainingMs('uid/other')).toBe(0);
    b.succeeded('uid/main');
    expect(b.remainingMs('uid/main')).toBe(0);
  });
});
