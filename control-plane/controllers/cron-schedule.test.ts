import { describe, expect, it } from 'vitest';
import { CronParseError, mostRecentScheduleTime, nextScheduleTime, parseCron } from './cron-schedule.ts';

const at = (s: string) => Date.parse(s);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const next = (schedule: string, after: string, tz = 'UTC') =>
  iso(nextScheduleTime(parseCron(schedule, tz), at(after)));

describe('cron schedules', () => {
  it('steps, ranges, lists and names', () => {
    expect(next('*/15 * * * *', '2026-03-01T10:07:30Z')).toBe('2026-03-01T10:15:00.000Z');
    expect(next('0 9-17/4 * * *', '2026-03-01T10:00:00Z')).toBe('2026-03-01T13:00:00.000Z');
    expect(next('30 6 * * mon,FRI', '2026-03-01T00:00:00Z')).toBe('2026-03-02T06:30:00.000Z'); // 1 March 2026 is a Sunday
    expect(next('0 0 1 jan-mar *', '2026-03-05T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('* * * * *', '2026-03-01T10:07:00Z')).toBe('2026-03-01T10:08:00.000Z');
  });

  it('descriptors', () => {
    expect(next('@hourly', '2026-03-01T10:07:00Z')).toBe('2026-03-01T11:00:00.000Z');
    expect(next('@daily', '2026-03-01T10:07:00Z')).toBe('2026-03-02T00:00:00.000Z');
    expect(next('@weekly', '2026-03-02T10:07:00Z')).toBe('2026-03-08T00:00:00.000Z');
    expect(next('@yearly', '2026-03-01T10:07:00Z')).toBe('2027-01-01T00:00:00.000Z');
  });

  it('day of month OR day of week when both are restricted', () => {
    // The 13th, or any Friday.
    expect(next('0 0 13 * 5', '2026-03-01T00:00:00Z')).toBe('2026-03-06T00:00:00.000Z');
    expect(next('0 0 13 * *', '2026-03-01T00:00:00Z')).toBe('2026-03-13T00:00:00.000Z');
  });

  it('evaluates in the time zone', () => {
    expect(next('0 9 * * *', '2026-01-10T00:00:00Z', 'America/New_York')).toBe('2026-01-10T14:00:00.000Z');
    expect(next('0 9 * * *', '2026-07-10T00:00:00Z', 'America/New_York')).toBe('2026-07-10T13:00:00.000Z');
  });

  it('refuses bad schedules with a reason', () => {
    expect(() => parseCron('* * * *')).toThrow('expected exactly 5 fields, found 4');
    expect(() => parseCron('61 * * * *')).toThrow('above maximum (59)');
    expect(() => parseCron('*/0 * * * *')).toThrow(CronParseError);
    expect(() => parseCron('@often')).toThrow('unrecognized descriptor');
    expect(() => parseCron('TZ=UTC * * * * *')).toThrow('use spec.timeZone');
    expect(() => parseCron('* * * * *', 'Mars/Olympus')).toThrow('unknown time zone');
  });

  it('finds the latest missed time and counts the misses', () => {
    const s = parseCron('*/10 * * * *', 'UTC');
    const r = mostRecentScheduleTime(s, at('2026-03-01T10:00:00Z'), at('2026-03-01T10:35:00Z'));
    expect(iso(r.time)).toBe('2026-03-01T10:30:00.000Z');
    expect(r.missed).toBe(3);
    expect(
      mostRecentScheduleTime(s, at('2026-03-01T10:30:00Z'), at('2026-03-01T10:35:00Z')).time,
    ).toBeUndefined();
  });
});
