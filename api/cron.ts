// CronJob schedules, parsed like upstream (robfig/cron v3 ParseStandard: five fields, names for
// months and weekdays, `@hourly`-style descriptors, `@every <duration>`), with its error
// messages, and the next run time after a given instant (optionally in an IANA time zone).

export class CronError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronError';
  }
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const minuteB: Bounds = { min: 0, max: 59 };
const hourB: Bounds = { min: 0, max: 23 };
const domB: Bounds = { min: 1, max: 31 };
const monthB: Bounds = {
  min: 1,
  max: 12,
  names: {
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
  },
};
const dowB: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

export interface CronSchedule {
  /** `every` schedules run at a fixed interval instead. */
  kind: 'fields' | 'every';
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  /** A field written as `*` or `?`: day-of-month and day-of-week combine with AND only then. */
  domStar: boolean;
  dowStar: boolean;
  /** Interval in milliseconds, for `@every`. */
  everyMs?: number;
  /** TZ= / CRON_TZ= prefix, if any. */
  timeZone?: string;
}

function atoi(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr))
    throw new CronError(
      `failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`,
    );
  const n = Number(expr);
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function intOrName(expr: string, b: Bounds): number {
  const named = b.names?.[expr.toLowerCase()];
  return named ?? atoi(expr);
}

function parseRange(expr: string, b: Bounds, out: Set<number>): boolean {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = intOrName(lowAndHigh[0], b);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = intOrName(lowAndHigh[1], b);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = atoi(rangeAndStep[1]);
    if (lowAndHigh.length === 1) end = b.max; // "N/step" means "N-max/step"
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) throw new CronError(`too many slashes: ${expr}`);
  if (start < b.min) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) out.add(v);
  return star;
}

function parseField(field: string, b: Bounds): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const part of field.split(',')) star = parseRange(part, b, values) || star;
  return { values, star };
}

const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Go's time.ParseDuration for the units cron users write (h, m, s, ms). */
function parseDuration(s: string): number {
  const re = /([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  const unit: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  while ((m = re.exec(s))) {
    total += Number(m[1]) * unit[m[2]];
    matched = re.lastIndex;
  }
  if (s.length === 0 || matched !== s.length)
    throw new CronError(`failed to parse duration ${s}: time: invalid duration ${JSON.stringify(s)}`);
  return total;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Parse a schedule; throws CronError with robfig/cron's wording. */
export function parseCronSchedule(input: string): CronSchedule {
  let spec = input.trim();
  if (spec.length === 0) throw new CronError('empty spec string');
  let timeZone: string | undefined;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    const eq = spec.indexOf('=');
    const tz = space < 0 ? spec.slice(eq + 1) : spec.slice(eq + 1, space);
    if (!isValidTimeZone(tz)) throw new CronError(`provided bad location ${tz}: unknown time zone ${tz}`);
    timeZone = tz;
    spec = space < 0 ? '' : spec.slice(space).trim();
  }
  if (spec.startsWith('@')) {
    if (spec.startsWith('@every ')) {
      const everyMs = parseDuration(spec.slice('@every '.length).trim());
      const all = (b: Bounds) => new Set(Array.from({ length: b.max - b.min + 1 }, (_, i) => b.min + i));
      return {
        kind: 'every',
        minutes: all(minuteB),
        hours: all(hourB),
        daysOfMonth: all(domB),
        months: all(monthB),
        daysOfWeek: all(dowB),
        domStar: true,
        dowStar: true,
        everyMs: Math.max(1000, Math.floor(everyMs / 1000) * 1000),
        timeZone,
      };
    }
    const expanded = descriptors[spec];
    if (!expanded) throw new CronError(`unrecognized descriptor: ${spec}`);
    spec = expanded;
  }
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5)
    throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const minute = parseField(fields[0], minuteB);
  const hour = parseField(fields[1], hourB);
  const dom = parseField(fields[2], domB);
  const month = parseField(fields[3], monthB);
  const dow = parseField(fields[4], dowB);
  return {
    kind: 'fields',
    minutes: minute.values,
    hours: hour.values,
    daysOfMonth: dom.values,
    months: month.values,
    daysOfWeek: dow.values,
    domStar: dom.star,
    dowStar: dow.star,
    timeZone,
  };
}

interface Wall {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
}

function wallClock(instant: number, tz: string): Wall {
  if (tz === 'UTC' || tz === 'Etc/UTC') {
    const d = new Date(instant);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
    };
  }
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
  };
}

/** The instant a wall-clock time in `tz` denotes (the later one across a DST change). */
function instantOf(w: Wall, tz: string): number {
  const asUTC = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  if (tz === 'UTC' || tz === 'Etc/UTC') return asUTC;
  let guess = asUTC;
  for (let i = 0; i < 3; i++) {
    const seen = wallClock(guess, tz);
    const diff = asUTC - Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute);
    if (diff === 0) break;
    guess += diff;
  }
  return guess;
}

function dayMatches(s: CronSchedule, w: Wall): boolean {
  const dow = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
  const domOk = s.daysOfMonth.has(w.day);
  const dowOk = s.daysOfWeek.has(dow);
  return s.domStar || s.dowStar ? domOk && dowOk : domOk || dowOk;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The first run strictly after `after` (ms since epoch), in `timeZone` (default: the schedule's
 * TZ= prefix, else UTC); undefined if none within five years (e.g. `0 0 30 2 *`).
 */
export function nextCronTime(s: CronSchedule, after: number, timeZone?: string): number | undefined {
  if (s.kind === 'every') return Math.floor(after / 1000) * 1000 + s.everyMs!;
  const tz = timeZone ?? s.timeZone ?? 'UTC';
  const start = wallClock(Math.floor(after / 60_000) * 60_000 + 60_000, tz);
  let w: Wall = { ...start };
  const limitYear = start.year + 5;
  while (w.year <= limitYear) {
    if (!s.months.has(w.month)) {
      w =
        w.month === 12
          ? { year: w.year + 1, month: 1, day: 1, hour: 0, minute: 0 }
          : { ...w, month: w.month + 1, day: 1, hour: 0, minute: 0 };
      continue;
    }
    if (!dayMatches(s, w)) {
      w = w.day >= daysIn(w.year, w.month) ? nextMonth(w) : { ...w, day: w.day + 1, hour: 0, minute: 0 };
      continue;
    }
    if (!s.hours.has(w.hour)) {
      if (w.hour === 23)
        w = w.day >= daysIn(w.year, w.month) ? nextMonth(w) : { ...w, day: w.day + 1, hour: 0, minute: 0 };
      else w = { ...w, hour: w.hour + 1, minute: 0 };
      continue;
    }
    if (!s.minutes.has(w.minute)) {
      if (w.minute === 59) {
        if (w.hour === 23)
          w = w.day >= daysIn(w.year, w.month) ? nextMonth(w) : { ...w, day: w.day + 1, hour: 0, minute: 0 };
        else w = { ...w, hour: w.hour + 1, minute: 0 };
      } else w = { ...w, minute: w.minute + 1 };
      continue;
    }
    const t = instantOf(w, tz);
    if (t > after) return t;
    w = w.minute === 59 ? { ...w, hour: w.hour + 1, minute: 0 } : { ...w, minute: w.minute + 1 };
    if (w.hour === 24)
      w = w.day >= daysIn(w.year, w.month) ? nextMonth(w) : { ...w, day: w.day + 1, hour: 0, minute: 0 };
  }
  return undefined;
}

function nextMonth(w: Wall): Wall {
  return w.month === 12
    ? { year: w.year + 1, month: 1, day: 1, hour: 0, minute: 0 }
    : { year: w.year, month: w.month + 1, day: 1, hour: 0, minute: 0 };
}
