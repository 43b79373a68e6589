import { describe, expect, it } from 'vitest';
import { jobNameFor } from './cronjob.ts';

describe('cronjob job names', () => {
  it('are the scheduled time in minutes since the epoch', () => {
    const cj = { metadata: { name: 'tick' } } as never;
    expect(jobNameFor(cj, Date.parse('2026-03-01T10:30:00Z'))).toBe('tick-29539350');
  });
});
