// batch/v1 CronJob validation (upstream ValidateCronJobCreate / ValidateCronJobUpdate).
import type { FieldError } from '../resource-type.ts';
import { CronError, isValidTimeZone, parseCronSchedule } from '../cron.ts';
import { invalid, notSupported, required, typeInvalid } from './errors.ts';
import { FieldPath } from './path.ts';
import { isObject, isSet } from './shape.ts';
import { nonNegative, oneOf } from './common.ts';
import { validateAnnotations, validateLabels } from './object-meta.ts';
import { validateJobSpecCommon } from './job.ts';

const spec = FieldPath.root('spec');

function validateSchedule(
  schedule: unknown,
  timeZone: unknown,
  allowTZ: boolean,
  path: FieldPath,
): FieldError[] {
  if (!schedule) return [required(path, '')];
  if (typeof schedule !== 'string') return [typeInvalid(path, schedule, 'must be a string')];
  const errs: FieldError[] = [];
  try {
    parseCronSchedule(schedule);
  } catch (err) {
    errs.push(invalid(path, schedule, err instanceof CronError ? err.message : String(err)));
  }
  if (allowTZ && schedule.includes('TZ') && isSet(timeZone))
    errs.push(invalid(path, schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  else if (!allowTZ && schedule.includes('TZ'))
    errs.push(invalid(path, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  return errs;
}

function validateTimeZone(tz: unknown, path: FieldPath): FieldError[] {
  if (!isSet(tz)) return [];
  if (typeof tz !== 'string') return [typeInvalid(path, tz, 'must be a string')];
  if (tz.toLowerCase() === 'local')
    return [
      invalid(
        path,
        tz,
        'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
      ),
    ];
  if (tz === '' || !isValidTimeZone(tz)) return [invalid(path, tz, `unknown time zone ${tz}`)];
  return [];
}

function validateJobTemplate(tpl: unknown, path: FieldPath): FieldError[] {
  if (!isObject(tpl)) return [required(path, '')];
  const meta = isObject(tpl.metadata) ? tpl.metadata : {};
  const errs = [
    ...validateLabels(meta.labels, path.child('metadata', 'labels')),
    ...validateAnnotations(meta.annotations, path.child('metadata', 'annotations')),
  ];
  const s = isObject(tpl.spec) ? tpl.spec : {};
  errs.push(...validateJobSpecCommon(s, path.child('spec')));
  if (isSet(s.selector))
    errs.push(invalid(path.child('spec', 'selector'), s.selector, '`selector` will be auto-generated'));
  if (s.manualSelector === true)
    errs.push(notSupported(path.child('spec', 'manualSelector'), s.manualSelector, ['nil', 'false']));
  return errs;
}

export function validateCronJob(obj: any, old?: any): FieldError[] {
  const s = obj?.spec;
  if (!isObject(s)) return [required(spec, '')];
  const oldSpec = isObject(old?.spec) ? old.spec : undefined;
  const errs = validateSchedule(
    s.schedule,
    s.timeZone,
    typeof oldSpec?.schedule === 'string' && oldSpec.schedule.includes('TZ'),
    spec.child('schedule'),
  );
  errs.push(...nonNegative(s.startingDeadlineSeconds, spec.child('startingDeadlineSeconds')));
  if (!oldSpec || oldSpec.timeZone !== s.timeZone)
    errs.push(...validateTimeZone(s.timeZone, spec.child('timeZone')));
  errs.push(...oneOf(s.concurrencyPolicy, spec.child('concurrencyPolicy'), ['Allow', 'Forbid', 'Replace']));
  errs.push(...validateJobTemplate(s.jobTemplate, spec.child('jobTemplate')));
  errs.push(...nonNegative(s.successfulJobsHistoryLimit, spec.child('successfulJobsHistoryLimit')));
  errs.push(...nonNegative(s.failedJobsHistoryLimit, spec.child('failedJobsHistoryLimit')));
  const name = obj?.metadata?.name;
  if (old === undefined && typeof name === 'string' && name.length > 52)
    errs.push(invalid(FieldPath.root('metadata', 'name'), name, 'must be no more than 52 characters'));
  return errs;
}
