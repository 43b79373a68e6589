// Cron schedules as the CronJob controller uses them: the one parser in api/cron.ts (robfig/cron's
// standard syntax and messages), evaluated in spec.timeZone or, like upstream's controller
// manager, in the controller's own zone when none is given. A TZ= prefix in the schedule itself is
// refused, as upstream validation does since spec.timeZone exists.
import {
  CronError,
  isValidTimeZone,
  nextCronTime,
  parseCronSchedule,
  type CronSchedule as ParsedSchedule,
} from '../../api/cron.ts';

export class CronParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronParseError';
  }
}

export interface CronSchedule {
  parsed: ParsedSchedule;
  timeZone: string;
}

const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Parse a schedule; throws CronParseError with robfig-like messages. */
export function parseCron(schedule: string, timeZone?: string): CronSchedule {
  const text = schedule.trim();
  if (/^(CRON_)?TZ=/.test(text))
    throw new CronParseError('CRON_TZ or TZ used in schedule is not supported, use spec.timeZone instead');
  if (timeZone !== undefined && !isValidTimeZone(timeZone))
    throw new CronParseError(`unknown time zone ${timeZone}`);
  try {
    return { parsed: parseCronSchedule(text), timeZone: timeZone ?? localZone() };
  } catch (err) {
    if (err instanceof CronError) throw new CronParseError(err.message);
    throw err;
  }
}

/** The first schedule time strictly after `afterMs` (searching up to five years), or undefined. */
export function nextScheduleTime(s: CronSchedule, afterMs: number): number | undefined {
  return nextCronTime(s.parsed, afterMs, s.timeZone);
}

/**
 * The latest schedule time in (earliestMs, nowMs], and how many were missed in that window
 * (upstream mostRecentScheduleTime; callers warn past 100).
 */
export function mostRecentScheduleTime(
  s: CronSchedule,
  earliestMs: number,
  nowMs: number,
): { time?: number; missed: number } {
  let time: number | undefined;
  let missed = 0;
  for (let t = nextScheduleTime(s, earliestMs); t !== undefined && t <= nowMs; t = nextScheduleTime(s, t)) {
    time = t;
    missed++;
  }
  return { time, missed };
}
