import { describe, expect, it } from 'vitest';
import { ageOf, humanDuration } from './human-duration.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration', () => {
  it('prints ages the way kubectl shows them', () => {
    expect(humanDuration(-1500)).toBe('0s');
    expect(humanDuration(-5000)).toBe('<invalid>');
    expect(humanDuration(45 * s)).toBe('45s');
    expect(humanDuration(119 * s)).toBe('119s');
    expect(humanDuration(3 * m + 12 * s)).toBe('3m12s');
    expect(humanDuration(5 * m)).toBe('5m');
    expect(humanDuration(42 * m)).toBe('42m');
    expect(humanDuration(3 * h + 20 * m)).toBe('3h20m');
    expect(humanDuration(5 * h)).toBe('5h');
    expect(humanDuration(30 * h)).toBe('30h');
    expect(humanDuration(3 * d + 4 * h)).toBe('3d4h');
    expect(humanDuration(40 * d)).toBe('40d');
    expect(humanDuration(800 * d)).toBe('2y70d');
    expect(humanDuration(3650 * d)).toBe('10y');
  });

  it('says <unknown> without a timestamp', () => {
    expect(ageOf(undefined, Date.now())).toBe('<unknown>');
    expect(ageOf('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:01:00Z'))).toBe('60s');
  });
});
