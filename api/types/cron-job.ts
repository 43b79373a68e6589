// batch/v1 CronJob: jobs on a schedule.
import type { ObjectMeta, Time, TypeMeta } from './meta.ts';
import type { ObjectReference } from './object-reference.ts';
import type { JobTemplateSpec } from './job.ts';

export interface CronJobSpec {
  /** Cron schedule, e.g. `*\/5 * * * *` or `@hourly`. */
  schedule: string;
  /** Time zone name for the schedule, e.g. Etc/UTC; the controller's zone when unset. */
  timeZone?: string;
  /**
   * Seconds after a missed start time before the run is skipped.
   * @format int64
   */
  startingDeadlineSeconds?: number;
  /** Allow, Forbid or Replace concurrent runs; defaults to Allow. */
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  /** Suspend subsequent runs; defaults to false. */
  suspend?: boolean;
  /** Template of the jobs created. */
  jobTemplate: JobTemplateSpec;
  /** Successful jobs kept; defaults to 3. */
  successfulJobsHistoryLimit?: number;
  /** Failed jobs kept; defaults to 1. */
  failedJobsHistoryLimit?: number;
}

export interface CronJobStatus {
  /** Currently running jobs. */
  active?: ObjectReference[];
  /** When a job was last scheduled. */
  lastScheduleTime?: Time;
  /** When a job last completed successfully. */
  lastSuccessfulTime?: Time;
}

/** CronJob represents the configuration of a single cron job. */
export interface CronJob extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Desired behaviour. */
  spec?: CronJobSpec;
  /** Most recently observed status. */
  status?: CronJobStatus;
}
