// `kubectl get jobs` (1.32): NAME STATUS COMPLETIONS DURATION AGE (wide: CONTAINERS IMAGES SELECTOR).
import { ageColumn, column, hasTrueCondition, int, nameColumn, type TypePrinter } from './common.ts';
import { humanDuration } from './human-duration.ts';
import { workloadWideColumns } from './workload-columns.ts';

/** The STATUS cell: finished conditions first, then deletion, then suspension and a pending failure. */
export function jobStatus(job: any): string {
  if (hasTrueCondition(job, 'Complete')) return 'Complete';
  if (hasTrueCondition(job, 'Failed')) return 'Failed';
  if (job?.metadata?.deletionTimestamp) return 'Terminating';
  if (hasTrueCondition(job, 'Suspended')) return 'Suspended';
  if (hasTrueCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function completions(job: any): string {
  const succeeded = int(job?.status?.succeeded);
  if (typeof job?.spec?.completions === 'number') return `${succeeded}/${job.spec.completions}`;
  const parallelism = int(job?.spec?.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Running time so far, or start to completion once done; empty before the job started. */
function jobDuration(job: any, now: number): string {
  const start = job?.status?.startTime ? Date.parse(job.status.startTime) : NaN;
  if (Number.isNaN(start)) return '';
  const end = job?.status?.completionTime ? Date.parse(job.status.completionTime) : now;
  return humanDuration(end - start);
}

export const jobPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column('Status', 'string', 'Status of the job.', jobStatus),
    column('Completions', 'string', 'The completion status of the job.', completions),
    column('Duration', 'string', 'Time required to complete the job.', jobDuration),
    ageColumn,
    ...workloadWideColumns(
      (o) => o.spec?.template,
      (o) => o.spec?.selector,
    ),
  ],
};
