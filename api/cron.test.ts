import { describe, expect, it } from 'vitest';
import { CronError, nextCronTime, parseCronSchedule } from './cron.ts';

const at = (iso: string) => Date.parse(iso);
const next = (spec: string, after: string, tz?: string) => {
  const t = nextCronTime(parseCronSchedule(spec), at(after), tz);
  return t === undefined ? undefined : new Date(t).toISOString();
};

describe('cron schedules', () => {
  it.each<[string, string, string, string?]>([
    ['*/5 * * * *', '2024-01-01T00:02:30Z', '2024-01-01T00:05:00.000Z'],
    ['0 * * * *', '2024-01-01T00:00:00Z', '2024-01-01T01:00:00.000Z'],
    ['@hourly', '2024-01-01T10:59:59Z', '2024-01-01T11:00:00.000Z'],
    ['@daily', '2024-01-31T12:00:00Z', '2024-02-01T00:00:00.000Z'],
    ['30 2 * * MON', '2024-01-01T03:00:00Z', '2024-01-08T02:30:00.000Z'],
    ['0 0 1 jan *', '2024-06-01T00:00:00Z', '2025-01-01T00:00:00.000Z'],
    ['0 0 29 2 *', '2024-03-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    // Day-of-month and day-of-week are ORed when both are restricted.
    ['0 0 13 * 5', '2024-09-01T00:00:00Z', '2024-09-06T00:00:00.000Z'],
    ['0 9 * * *', '2024-03-10T00:00:00Z', '2024-03-10T13:00:00.000Z', 'America/New_York'],
  ])('%s after %s is %s', (spec, after, want, tz) => {
    expect(next(spec, after, tz)).toBe(want);
  });

  it('has no next time for a date that never comes', () => {
    expect(next('0 0 30 2 *', '2024-01-01T00:00:00Z')).toBeUndefined();
  });

  it.each([
    ['bad', 'expected exactly 5 fields, found 1: [bad]'],
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['0 0 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['', 'empty spec string'],
  ])('refuses %j: %s', (spec, message) => {
    expect(() => parseCronSchedule(spec)).toThrow(new CronError(message));
  });
});
