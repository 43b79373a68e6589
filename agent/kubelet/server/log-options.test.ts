import { describe, expect, it } from 'vitest';
import { parseLogOptions } from './log-options.ts';

describe('container log options', () => {
  it('reads the PodLogOptions query parameters', () => {
    const q = new URLSearchParams(
      'follow=true&previous=1&timestamps=true&tailLines=5&limitBytes=10&sinceSeconds=60',
    );
    expect(parseLogOptions(q, 1_000_000)).toEqual({
      follow: true,
      previous: true,
      timestamps: true,
      tailLines: 5,
      limitBytes: 10,
      sinceMs: 1_000_000 - 60_000,
    });
    expect(parseLogOptions(new URLSearchParams('sinceTime=2026-01-01T00:00:00Z')).sinceMs).toBe(
      Date.parse('2026-01-01T00:00:00Z'),
    );
  });

  it('refuses bad numbers and both kinds of since', () => {
    expect(() => parseLogOptions(new URLSearchParams('tailLines=-1'))).toThrow(/tailLines/);
    expect(() => parseLogOptions(new URLSearchParams('limitBytes=0'))).toThrow(/limitBytes/);
    expect(() =>
      parseLogOptions(new URLSearchParams('sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z')),
    ).toThrow(/at most one/);
  });
});
