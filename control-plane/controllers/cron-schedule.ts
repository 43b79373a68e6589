// Cron schedules as CronJobs use them (robfig/cron's standard parser, which upstream uses):
// five fields `minute hour day-of-month month day-of-week` with `*`, `?`, lists, ranges, steps
// and names (jan-dec, sun-sat), or a descriptor (@yearly, @monthly, @weekly, @daily, @hourly).
// Times are evaluated in an IANA time zone (the controller's own when none is given).

export class CronParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronParseError';
  }
}

interface Field {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const months = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const days = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const fields: Field[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: months },
  { min: 0, max: 6, names: days },
];
const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export interface CronSchedule {
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  /** Either day field was `*` or `?`: then both must match (robfig), otherwise either may. */
  dayStar: boolean;
  timeZone?: string;
}

function parseValue(text: string, f: Field): number {
  const named = f.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(text)) throw new CronParseError(`failed to parse int from ${text}`);
  return Number(text);
}

function parseField(text: string, f: Field): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      [lo, hi] = [f.min, f.max];
      if (stepText === undefined) star = true;
    } else {
      const [a, b] = range.split('-') as [string, string | undefined];
      lo = parseValue(a, f);
      hi = b === undefined ? (stepText === undefined ? lo : f.max) : parseValue(b, f);
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step <= 0) throw new CronParseError(`bad step in ${part}`);
    if (lo < f.min) throw new CronParseError(`beginning of range (${lo}) below minimum (${f.min}): ${part}`);
    // robfig accepts 7 for Sunday in day-of-week.
    if (f.names === days && hi === 7) hi = 6;
    if (hi > f.max) throw new CronParseError(`end of range (${hi}) above maximum (${f.max}): ${part}`);
    if (lo > hi) throw new CronParseError(`beginning of range (${lo}) beyond end of range (${hi}): ${part}`);
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, star };
}

/** Parse a schedule; throws CronParseError with robfig-like messages. */
export function parseCron(schedule: string, timeZone?: string): CronSchedule {
  const text = schedule.trim();
  if (text.startsWith('TZ=') || text.startsWith('CRON_TZ='))
    throw new CronParseError('CRON_TZ or TZ used in schedule is not supported, use spec.timeZone instead');
  const expanded = descriptors[text.toLowerCase()] ?? text;
  if (expanded.startsWith('@')) throw new CronParseError(`unrecognized descriptor: ${text}`);
  const parts = expanded.split(/\s+/);
  if (parts.length !== 5)
    throw new CronParseError(`expected exactly 5 fields, found ${parts.length}: ${text}`);
  if (timeZone !== undefined) zonedParts(0, timeZone); // throws for an unknown zone
  const [mi, h, dom, mo, dow] = parts.map((p, i) => parseField(p, fields[i]!));
  return {
    minutes: mi!.values,
    hours: h!.values,
    daysOfMonth: dom!.values,
    months: mo!.values,
    daysOfWeek: dow!.values,
    dayStar: dom!.star || dow!.star,
    timeZone,
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock fields of `ms` in a zone (undefined: the process's zone). */
function zonedParts(ms: number, timeZone: string | undefined) {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        weekday: 'short',
      });
    } catch {
      throw new CronParseError(`unknown time zone ${timeZone}`);
    }
    formatters.set(key, f);
  }
  const p: Record<string, string> = {};
  for (const { type, value } of f.formatToParts(new Date(ms))) p[type] = value;
  return {
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    weekday: days[(p.weekday ?? 'sun').toLowerCase() as keyof typeof days],
  };
}

function dayMatches(s: CronSchedule, t: ReturnType<typeof zonedParts>): boolean {
  const dom = s.daysOfMonth.has(t.day);
  const dow = s.daysOfWeek.has(t.weekday);
  return s.dayStar ? dom && dow : dom || dow;
}

const minuteMs = 60_000;

/** The first schedule time strictly after `afterMs` (searching up to five years), or undefined. */
export function nextScheduleTime(s: CronSchedule, afterMs: number): number | undefined {
  let t = Math.floor(afterMs / minuteMs) * minuteMs + minuteMs;
  const limit = afterMs + 5 * 366 * 24 * 60 * minuteMs;
  while (t <= limit) {
    const z = zonedParts(t, s.timeZone);
    if (!s.months.has(z.month) || !dayMatches(s, z)) {
      t += ((23 - z.hour) * 60 + (60 - z.minute)) * minuteMs;
      continue;
    }
    if (!s.hours.has(z.hour)) {
      t += (60 - z.minute) * minuteMs;
      continue;
    }
    if (!s.minutes.has(z.minute)) {
      t += minuteMs;
      continue;
    }
    return t;
  }
  return undefined;
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
