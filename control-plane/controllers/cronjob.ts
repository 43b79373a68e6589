// The CronJob controller (upstream cronjob_controllerv2.go): creates a Job named
// `<cronjob>-<scheduled time in minutes>` at each schedule time (in spec.timeZone), honouring
// suspend, startingDeadlineSeconds and concurrencyPolicy (Allow, Forbid, Replace), tracks active
// jobs and lastScheduleTime / lastSuccessfulTime, and keeps only the configured history. It
// wakes up at the next schedule time (a delayed requeue on the injectable clock), never polls.
import { isAlreadyExists, isNotFound, type SharedIndexInformer } from '../../api/client/index.ts';
import type { CronJob, CronJobStatus, ObjectReference } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import { controllerRefOf, newControllerRef } from './controller-ref.ts';
import {
  CronParseError,
  mostRecentScheduleTime,
  nextScheduleTime,
  parseCron,
  type CronSchedule,
} from './cron-schedule.ts';
import { canonicalJson } from './hash.ts';
import { isJobFinished, type JobObj } from './job.ts';
import { rfc3339 } from './pod-utils.ts';

type CJ = Kube<CronJob>;

export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** The job name suffix: the scheduled time in minutes since the epoch (upstream getTimeHashInMinutes). */
export const jobNameFor = (cj: CJ, scheduledMs: number) =>
  `${cj.metadata!.name}-${Math.floor(scheduledMs / 60_000)}`;

const finishedCondition = (j: JobObj) =>
  (j.status?.conditions ?? []).find(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );

export class CronJobController extends QueueController {
  private readonly cjInformer: SharedIndexInformer<CJ>;
  private readonly jobInformer: SharedIndexInformer<JobObj>;

  constructor(config: ControllerConfig) {
    super('cronjob', config);
    this.cjInformer = this.informers.informerFor<CJ>('batch/v1', 'CronJob');
    this.jobInformer = this.informers.informerFor<JobObj>('batch/v1', 'Job');
    this.cjInformer.addEventHandler({
      onAdd: (cj) => this.enqueue(cj),
      onUpdate: (old, cj) => {
        // A new schedule or zone means a new wake-up time.
        if (canonicalJson(old.spec) !== canonicalJson(cj.spec)) this.enqueue(cj);
      },
    });
    const jobChanged = (j: JobObj) => {
      const ref = controllerRefOf(j);
      if (ref?.kind === 'CronJob') this.enqueue(`${j.metadata!.namespace}/${ref.name}`);
    };
    this.jobInformer.addEventHandler({
      onAdd: jobChanged,
      onUpdate: (_o, j) => jobChanged(j),
      onDelete: jobChanged,
    });
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.cjInformer.get(key);
    if (!cached || cached.metadata?.deletionTimestamp) return;
    const cj = structuredClone(cached);
    const uid = cj.metadata!.uid!;
    const jobs = this.jobInformer
      .byIndex('namespace', cj.metadata!.namespace!)
      .filter((j) => controllerRefOf(j)?.uid === uid);
    const status: CronJobStatus = structuredClone(cj.status ?? {});

    // Active list: drop finished or vanished jobs, add running ones we own but forgot.
    const byUid = new Map(jobs.map((j) => [j.metadata!.uid, j]));
    const active: ObjectReference[] = [];
    for (const ref of status.active ?? []) {
      const j = byUid.get(ref.uid);
      if (!j) {
        this.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        continue;
      }
      const done = finishedCondition(j);
      if (done) {
        this.recorder.event(
          cj,
          'Normal',
          'SawCompletedJob',
          `Saw completed job: ${j.metadata!.name}, condition: ${done.type}`,
        );
        continue;
      }
      active.push(ref);
    }
    for (const j of jobs)
      if (!finishedCondition(j) && !active.some((a) => a.uid === j.metadata!.uid)) active.push(jobRef(j));
    status.active = active;
    for (const j of jobs) {
      const done = finishedCondition(j);
      if (done?.type !== 'Complete') continue;
      const at = j.status?.completionTime ?? done.lastTransitionTime;
      if (at && (!status.lastSuccessfulTime || Date.parse(at) > Date.parse(status.lastSuccessfulTime)))
        status.lastSuccessfulTime = at;
    }

    await this.cleanupHistory(cj, jobs);
    const next = await this.schedule(cj, status);
    await this.writeStatus(cj, status);
    if (next !== undefined) this.enqueueAfter(key, Math.max(0, next - this.clock.now()) + 100);
  }

  /** Start the job due now if any; returns when to look again. */
  private async schedule(cj: CJ, status: CronJobStatus): Promise<number | undefined> {
    let sched: CronSchedule;
    try {
      sched = parseCron(cj.spec?.schedule ?? '', cj.spec?.timeZone || undefined);
    } catch (err) {
      const msg = (err as Error).message;
      if (msg.startsWith('unknown time zone'))
        this.recorder.event(
          cj,
          'Warning',
          'UnknownTimeZone',
          `invalid timeZone: ${JSON.stringify(cj.spec?.timeZone)}: ${msg}`,
        );
      else if (err instanceof CronParseError)
        this.recorder.event(
          cj,
          'Warning',
          'UnparseableSchedule',
          `unparseable schedule: ${JSON.stringify(cj.spec?.schedule)} : ${msg}`,
        );
      return undefined;
    }
    const now = this.clock.now();
    const next = nextScheduleTime(sched, now);
    if (cj.spec?.suspend) return undefined;
    let earliest = Date.parse(status.lastScheduleTime ?? cj.metadata?.creationTimestamp ?? '') || now;
    const deadline = cj.spec?.startingDeadlineSeconds;
    if (deadline !== undefined) earliest = Math.max(earliest, now - deadline * 1000);
    const { time, missed } = mostRecentScheduleTime(sched, earliest, now);
    if (time === undefined) return next;
    if (missed > 100)
      this.recorder.event(
        cj,
        'Warning',
        'TooManyMissedTimes',
        `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
      );
    if (deadline !== undefined && time + deadline * 1000 < now) {
      this.recorder.event(
        cj,
        'Warning',
        'MissSchedule',
        `Missed scheduled time to start a job: ${rfc3339(time)}`,
      );
      return next;
    }
    const name = jobNameFor(cj, time);
    if (
      status.active!.some((a) => a.name === name) ||
      this.jobInformer.get(`${cj.metadata!.namespace}/${name}`)
    )
      return next;
    const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && status.active!.length > 0) {
      this.recorder.event(
        cj,
        'Normal',
        'JobAlreadyActive',
        'Not starting job because prior execution is running and concurrency policy is Forbid',
      );
      return next;
    }
    const jobs = this.client.resource<JobObj>('batch/v1', 'Job').namespace(cj.metadata!.namespace!);
    if (policy === 'Replace') {
      for (const ref of status.active!) {
        try {
          await jobs.delete(ref.name!, { propagationPolicy: 'Background', preconditions: { uid: ref.uid } });
          this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${ref.name}`);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      status.active = [];
    }
    const template = structuredClone(cj.spec!.jobTemplate);
    const job: JobObj = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: cj.metadata!.namespace,
        labels: { ...template.metadata?.labels },
        annotations: { ...template.metadata?.annotations, [scheduledTimestampAnnotation]: rfc3339(time) },
        ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
      },
      spec: template.spec!,
    };
    let created: JobObj;
    try {
      created = await jobs.create(job);
      this.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`);
    } catch (err) {
      if (!isAlreadyExists(err)) {
        this.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
        throw err;
      }
      created = await jobs.get(name);
      if (controllerRefOf(created)?.uid !== cj.metadata!.uid) return next;
    }
    if (!isJobFinished(created)) status.active!.push(jobRef(created));
    status.lastScheduleTime = rfc3339(time);
    return next;
  }

  /** Delete the oldest finished jobs beyond the history limits. */
  private async cleanupHistory(cj: CJ, jobs: JobObj[]): Promise<void> {
    const client = this.client.resource<JobObj>('batch/v1', 'Job').namespace(cj.metadata!.namespace!);
    const started = (j: JobObj) =>
      Date.parse(j.status?.startTime ?? j.metadata?.creationTimestamp ?? '') || 0;
    for (const [type, limit] of [
      ['Complete', cj.spec?.successfulJobsHistoryLimit ?? 3],
      ['Failed', cj.spec?.failedJobsHistoryLimit ?? 1],
    ] as const) {
      const done = jobs
        .filter((j) => finishedCondition(j)?.type === type && !j.metadata?.deletionTimestamp)
        .sort((a, b) => started(a) - started(b));
      for (const j of done.slice(0, Math.max(0, done.length - limit))) {
        try {
          await client.delete(j.metadata!.name!, {
            propagationPolicy: 'Background',
            preconditions: { uid: j.metadata!.uid },
          });
          this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata!.name}`);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
  }

  private async writeStatus(cj: CJ, status: CronJobStatus): Promise<void> {
    if (!status.active?.length) delete status.active;
    if (canonicalJson(cj.status ?? {}) === canonicalJson(status)) return;
    try {
      await this.client
        .resource<CJ>('batch/v1', 'CronJob')
        .namespace(cj.metadata!.namespace!)
        .updateStatus({ ...cj, status });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

function jobRef(j: JobObj): ObjectReference {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    name: j.metadata!.name,
    namespace: j.metadata!.namespace,
    uid: j.metadata!.uid,
    resourceVersion: j.metadata!.resourceVersion,
  };
}
