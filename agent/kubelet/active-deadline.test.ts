import { describe, expect, it } from 'vitest';
import { activeDeadlinePassed } from './active-deadline.ts';

describe('activeDeadlineSeconds', () => {
  const start = '2026-01-01T00:00:00Z';
  const at = (s: number) => Date.parse(start) + s * 1000;
  it('has no deadline without the field', () => {
    expect(activeDeadlinePassed({ spec: { containers: [] } }, start, at(1e6))).toEqual({ passed: false });
  });
  it('counts from the start time', () => {
    const pod = { spec: { containers: [], activeDeadlineSeconds: 30 } };
    expect(activeDeadlinePassed(pod, start, at(10))).toEqual({ passed: false, remainingMs: 20_000 });
    expect(activeDeadlinePassed(pod, start, at(30)).passed).toBe(true);
  });
});
