// `kubectl get cronjobs`: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE
// (wide: CONTAINERS IMAGES SELECTOR).
import { ageColumn, boolString, column, nameColumn, orNone, type TypePrinter } from './common.ts';
import { ageOf } from './human-duration.ts';
import { workloadWideColumns } from './workload-columns.ts';

export const cronJobPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column(
      'Schedule',
      'string',
      'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.',
      (o) => o.spec?.schedule ?? '',
    ),
    column(
      'Timezone',
      'string',
      'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.',
      (o) => orNone(o.spec?.timeZone),
    ),
    column(
      'Suspend',
      'boolean',
      'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.',
      (o) => boolString(o.spec?.suspend),
    ),
    column('Active', 'integer', 'A list of pointers to currently running jobs.', (o) =>
      Array.isArray(o.status?.active) ? o.status.active.length : 0,
    ),
    column(
      'Last Schedule',
      'string',
      'Information when was the last time the job was successfully scheduled.',
      (o, now) => (o.status?.lastScheduleTime ? ageOf(o.status.lastScheduleTime, now) : '<none>'),
    ),
    ageColumn,
    ...workloadWideColumns(
      (o) => o.spec?.jobTemplate?.spec?.template,
      (o) => o.spec?.jobTemplate?.spec?.selector,
    ),
  ],
};
