// The Job controller (upstream pkg/controller/job): runs pods to completion. It keeps up to
// `parallelism` pods active until `completions` succeed (NonIndexed, or one per index for
// Indexed jobs with JOB_COMPLETION_INDEX), counts failures against backoffLimit with
// exponential back-off between retries, honours activeDeadlineSeconds, suspend and
// podFailurePolicy, and tracks finished pods with the batch.kubernetes.io/job-tracking
// finalizer so a pod deleted early is still counted once. 1.32 conditions: SuccessCriteriaMet
// then Complete; FailureTarget then Failed.
import {
  isNotFound,
  metaNamespaceKey,
  splitMetaNamespaceKey,
  type SharedIndexInformer,
} from '../../api/client/index.ts';
import { LabelMatcher, labelSelectorAsMatcher } from '../../api/labels/index.ts';
import type { Job, JobCondition, JobStatus, Pod, PodFailurePolicyRule } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import { claimObjects, controllerRefOf, newControllerRef } from './controller-ref.ts';
import { ControllerExpectations } from './expectations.ts';
import { formatIndexes, parseIndexes } from './job-indexes.ts';
import { compareForDeletion, isPodReady, isPodTerminal, podFromTemplate, rfc3339 } from './pod-utils.ts';
import { slowStartBatch } from './slow-start.ts';

export type JobObj = Kube<Job>;
type PodObj = Kube<Pod>;

export const jobTrackingFinalizer = 'batch.kubernetes.io/job-tracking';
export const controllerUidLabel = 'batch.kubernetes.io/controller-uid';
export const jobNameLabel = 'batch.kubernetes.io/job-name';
export const completionIndexAnnotation = 'batch.kubernetes.io/job-completion-index';

export interface JobControllerConfig extends ControllerConfig {
  /** First retry delay after a failed pod (upstream DefaultJobPodFailureBackOff, 10s). */
  backoffBaseMs?: number;
  /** Longest retry delay (upstream MaxJobPodFailureBackOff, 10 min). */
  backoffMaxMs?: number;
}

const orphanPrefix = 'pod:';

export const isJobFinished = (job: JobObj) =>
  (job.status?.conditions ?? []).some(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );

export class JobController extends QueueController {
  readonly expectations: ControllerExpectations;
  private readonly jobInformer: SharedIndexInformer<JobObj>;
  private readonly podInformer: SharedIndexInformer<PodObj>;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;

  constructor(config: JobControllerConfig) {
    super('job', config);
    this.backoffBaseMs = config.backoffBaseMs ?? 10_000;
    this.backoffMaxMs = config.backoffMaxMs ?? 600_000;
    if (!(this.backoffBaseMs >= 0 && this.backoffMaxMs >= this.backoffBaseMs))
      throw new Error('job controller: need 0 <= backoffBaseMs <= backoffMaxMs');
    this.expectations = new ControllerExpectations(this.clock);
    this.jobInformer = this.informers.informerFor<JobObj>('batch/v1', 'Job');
    this.podInformer = this.informers.informerFor<PodObj>('v1', 'Pod');
    this.jobInformer.addEventHandler({
      onAdd: (j) => this.enqueue(j),
      onUpdate: (_o, j) => this.enqueue(j),
      onDelete: (j) => {
        this.expectations.delete(metaNamespaceKey(j));
        this.enqueue(j);
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (p) => this.podChanged(p, 'add'),
      onUpdate: (old, p) => {
        const wasDeleting = !!old.metadata?.deletionTimestamp;
        this.podChanged(p, !wasDeleting && p.metadata?.deletionTimestamp ? 'delete' : 'update');
      },
      onDelete: (p) => this.podChanged(p, 'delete'),
    });
  }

  private podChanged(pod: PodObj, how: 'add' | 'update' | 'delete'): void {
    const ref = controllerRefOf(pod);
    if (ref?.kind !== 'Job') return;
    const key = `${pod.metadata!.namespace}/${ref.name}`;
    const job = this.jobInformer.get(key);
    if (!job || job.metadata?.uid !== ref.uid) {
      // The job is gone: its pods must not stay stuck on our finalizer.
      if (how !== 'delete' || pod.metadata?.deletionTimestamp)
        if (pod.metadata?.finalizers?.includes(jobTrackingFinalizer))
          this.enqueue(`${orphanPrefix}${metaNamespaceKey(pod)}`);
      return;
    }
    if (how === 'add') this.expectations.creationObserved(key);
    if (how === 'delete') this.expectations.deletionObserved(key, pod.metadata?.uid);
    this.enqueue(key);
  }

  private now(): string {
    return rfc3339(this.clock.now());
  }

  protected async sync(key: string): Promise<void> {
    if (key.startsWith(orphanPrefix)) return this.releaseOrphan(key.slice(orphanPrefix.length));
    const cached = this.jobInformer.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const job = structuredClone(cached);
    const uid = job.metadata!.uid!;
    const selector = effectiveSelector(job);
    const pods = await claimObjects({
      owner: job,
      ownerApiVersion: 'batch/v1',
      ownerKind: 'Job',
      selector,
      candidates: this.podInformer.byIndex('namespace', job.metadata!.namespace!),
      resource: this.client.resource<PodObj>('v1', 'Pod'),
      canAdopt: (p) => p.metadata?.labels?.[controllerUidLabel] === uid,
    });
    if (job.spec?.managedBy && job.spec.managedBy !== 'kubernetes.io/job-controller') return;

    const status: JobStatus = structuredClone(job.status ?? {});
    status.conditions ??= [];
    const finished = isJobFinished(job);
    const completions = job.spec?.completions;
    const indexed = job.spec?.completionMode === 'Indexed';
    const parallelism = job.spec?.parallelism ?? 1;
    const backoffLimit = job.spec?.backoffLimit ?? 6;

    if (!finished && !job.spec?.suspend && !status.startTime) status.startTime = this.now();

    // 1. Count finished pods once: note them as uncounted, drop the finalizer, then count them.
    const uncounted = {
      succeeded: new Set(status.uncountedTerminatedPods?.succeeded ?? []),
      failed: new Set(status.uncountedTerminatedPods?.failed ?? []),
    };
    const completed = parseIndexes(status.completedIndexes, completions ?? 0);
    let failJob: { reason: string; message: string } | undefined;
    const toRelease: PodObj[] = [];
    for (const p of pods) {
      if (!p.metadata?.finalizers?.includes(jobTrackingFinalizer)) continue;
      const podUid = p.metadata.uid!;
      const terminal = isPodTerminal(p);
      const deleting = !!p.metadata.deletionTimestamp;
      if (!terminal && !deleting) continue;
      toRelease.push(p);
      if (finished || uncounted.succeeded.has(podUid) || uncounted.failed.has(podUid)) continue;
      // Pods stopped because the job is suspended are not failures of their own. (A job that is
      // ending counts the pods it stops as failed, as upstream does.)
      if (deleting && !terminal && job.spec?.suspend) continue;
      if (p.status?.phase === 'Succeeded') {
        if (indexed) {
          const idx = indexOf(p);
          if (idx === undefined || completed.has(idx)) continue;
          completed.add(idx);
        }
        uncounted.succeeded.add(podUid);
        continue;
      }
      const rule = matchFailurePolicy(job.spec?.podFailurePolicy?.rules, p);
      if (rule?.rule.action === 'Ignore') continue;
      if (rule?.rule.action === 'FailJob' && !failJob) {
        const c = rule.container;
        failJob = {
          reason: 'PodFailurePolicy',
          message: `Container ${c.name} for pod ${p.metadata.namespace}/${p.metadata.name} failed with exit code ${c.exitCode} matching FailJob rule at index ${rule.index}`,
        };
      }
      uncounted.failed.add(podUid);
    }
    if (uncounted.succeeded.size + uncounted.failed.size > 0 && !setsEqual(uncounted, status)) {
      status.uncountedTerminatedPods = { succeeded: [...uncounted.succeeded], failed: [...uncounted.failed] };
      if (indexed) status.completedIndexes = formatIndexes(completed);
      await this.writeStatus(job, status);
    }
    await this.removeFinalizers(toRelease);
    status.succeeded = (status.succeeded ?? 0) + uncounted.succeeded.size;
    status.failed = (status.failed ?? 0) + uncounted.failed.size;
    if (indexed) status.completedIndexes = formatIndexes(completed);
    status.uncountedTerminatedPods = {};

    const active = pods.filter((p) => !isPodTerminal(p) && !p.metadata?.deletionTimestamp);
    status.active = active.length;
    status.ready = active.filter(isPodReady).length;
    status.terminating = pods.filter((p) => p.metadata?.deletionTimestamp && !isPodTerminal(p)).length;

    // 2. Decide: finished, failing, succeeding, or still running.
    const succeeded = indexed ? completed.size : (status.succeeded ?? 0);
    const hasCond = (type: string) => status.conditions!.some((c) => c.type === type && c.status === 'True');
    if (!finished) {
      if (!failJob && !hasCond('FailureTarget')) {
        if ((status.failed ?? 0) > backoffLimit)
          failJob = {
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          };
        else if (this.pastDeadline(job, status))
          failJob = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
      }
      const done =
        completions === undefined ? succeeded > 0 && active.length === 0 : succeeded >= completions;
      if (failJob && !hasCond('FailureTarget')) {
        status.conditions = setJobCondition(
          status.conditions!,
          'FailureTarget',
          failJob.reason,
          failJob.message,
          this.now(),
        );
      } else if (!failJob && done && !hasCond('SuccessCriteriaMet') && !hasCond('FailureTarget')) {
        status.conditions = setJobCondition(
          status.conditions!,
          'SuccessCriteriaMet',
          'CompletionsReached',
          'Reached expected number of succeeded pods',
          this.now(),
        );
      }
      const target = status.conditions!.find(
        (c) => (c.type === 'FailureTarget' || c.type === 'SuccessCriteriaMet') && c.status === 'True',
      );
      if (target) {
        // Terminal: stop whatever still runs, then write the final condition.
        await this.deletePods(job, key, active);
        if (active.length === 0 && status.terminating === 0) {
          if (target.type === 'FailureTarget') {
            status.conditions = setJobCondition(
              status.conditions!,
              'Failed',
              target.reason!,
              target.message!,
              this.now(),
            );
            this.recorder.event(job, 'Warning', target.reason!, target.message!);
          } else {
            status.conditions = setJobCondition(
              status.conditions!,
              'Complete',
              target.reason!,
              target.message!,
              this.now(),
            );
            status.completionTime = this.now();
            this.recorder.event(job, 'Normal', 'Completed', 'Job completed');
          }
        }
        status.active = 0;
        status.ready = 0;
      } else if (job.spec?.suspend) {
        await this.deletePods(job, key, active);
        status.active = 0;
        if (!hasCond('Suspended')) {
          status.conditions = setJobCondition(
            status.conditions!,
            'Suspended',
            'JobSuspended',
            'Job suspended',
            this.now(),
          );
          this.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
        }
      } else {
        if (hasCond('Suspended')) {
          status.conditions = setJobCondition(
            status.conditions!,
            'Suspended',
            'JobResumed',
            'Job resumed',
            this.now(),
            'False',
          );
          this.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
        }
        if (this.expectations.satisfied(key))
          await this.managePods(job, key, active, completed, succeeded, parallelism, status);
        this.requeueForDeadline(job, status);
      }
    }
    await this.writeStatus(job, status);
  }

  /** Start or stop pods so `min(parallelism, remaining)` are active, after the failure back-off. */
  private async managePods(
    job: JobObj,
    key: string,
    active: PodObj[],
    completed: Set<number>,
    succeeded: number,
    parallelism: number,
    status: JobStatus,
  ): Promise<void> {
    const completions = job.spec?.completions;
    const indexed = job.spec?.completionMode === 'Indexed';
    let want: number;
    if (completions === undefined) want = succeeded > 0 ? 0 : parallelism;
    else want = Math.max(0, Math.min(parallelism, completions - succeeded));
    if (active.length > want) {
      const surplus = [...active].sort(compareForDeletion).slice(0, active.length - want);
      await this.deletePods(job, key, surplus);
      status.active = active.length - surplus.length;
      return;
    }
    // podReplacementPolicy Failed: a pod still terminating holds its slot until it is gone.
    const holding = job.spec?.podReplacementPolicy === 'Failed' ? (status.terminating ?? 0) : 0;
    const missing = want - active.length - holding;
    if (missing <= 0) return;
    const wait = this.backoffRemaining(job, status);
    if (wait > 0) {
      this.enqueueAfter(key, wait);
      return;
    }
    let indexes: (number | undefined)[];
    if (indexed) {
      const busy = new Set(active.map(indexOf));
      indexes = [];
      for (let i = 0; i < (completions ?? 0) && indexes.length < missing; i++)
        if (!completed.has(i) && !busy.has(i)) indexes.push(i);
    } else {
      indexes = Array.from({ length: missing }, () => undefined);
    }
    if (indexes.length === 0) return;
    this.expectations.expectCreations(key, indexes.length);
    const queue = [...indexes];
    const pods = this.client.resource<PodObj>('v1', 'Pod').namespace(job.metadata!.namespace!);
    const { succeeded: made, error } = await slowStartBatch(indexes.length, async () => {
      const index = queue.shift();
      const pod = this.podFor(job, index);
      try {
        const created = await pods.create(pod);
        this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
      } catch (err) {
        this.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
        throw err;
      }
    });
    if (made < indexes.length) this.expectations.lowerCreations(key, indexes.length - made);
    status.active = active.length + made;
    if (error) throw error;
  }

  private podFor(job: JobObj, index: number | undefined): PodObj {
    const name = job.metadata!.name!;
    const uid = job.metadata!.uid!;
    const labels: Record<string, string> = {
      [controllerUidLabel]: uid,
      [jobNameLabel]: name,
      'controller-uid': uid,
      'job-name': name,
    };
    const annotations: Record<string, string> = {};
    if (index !== undefined) {
      labels[completionIndexAnnotation] = String(index);
      annotations[completionIndexAnnotation] = String(index);
    }
    const pod = podFromTemplate({
      template: job.spec?.template,
      namespace: job.metadata!.namespace!,
      ownerRef: newControllerRef(job, 'batch/v1', 'Job'),
      generateName: index === undefined ? `${name}-` : `${name}-${index}-`,
      extraLabels: labels,
      extraAnnotations: annotations,
    });
    pod.metadata!.finalizers = [...(pod.metadata!.finalizers ?? []), jobTrackingFinalizer];
    if (index !== undefined && pod.spec) {
      pod.spec.hostname ??= `${name}-${index}`;
      for (const c of [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])]) {
        c.env = [
          ...(c.env ?? []).filter((e) => e.name !== 'JOB_COMPLETION_INDEX'),
          { name: 'JOB_COMPLETION_INDEX', value: String(index) },
        ];
      }
    }
    return pod;
  }

  private async deletePods(job: JobObj, key: string, pods: PodObj[]): Promise<void> {
    if (pods.length === 0) return;
    this.expectations.expectDeletions(
      key,
      pods.map((p) => p.metadata!.uid!),
    );
    const client = this.client.resource<PodObj>('v1', 'Pod').namespace(job.metadata!.namespace!);
    await Promise.all(
      pods.map(async (p) => {
        try {
          await client.delete(p.metadata!.name!, { preconditions: { uid: p.metadata!.uid } });
          this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata!.name}`);
        } catch (err) {
          this.expectations.deletionObserved(key, p.metadata!.uid);
          if (!isNotFound(err)) throw err;
        }
      }),
    );
  }

  private async removeFinalizers(pods: PodObj[]): Promise<void> {
    await Promise.all(
      pods.map(async (p) => {
        const finalizers = (p.metadata?.finalizers ?? []).filter((f) => f !== jobTrackingFinalizer);
        try {
          await this.client
            .resource<PodObj>('v1', 'Pod')
            .namespace(p.metadata!.namespace!)
            .patch(p.metadata!.name!, 'merge', {
              metadata: { finalizers, resourceVersion: p.metadata!.resourceVersion },
            });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }),
    );
  }

  /** A pod whose job is gone keeps nothing alive: drop our finalizer. */
  private async releaseOrphan(podKey: string): Promise<void> {
    const pod = this.podInformer.get(podKey);
    if (!pod?.metadata?.finalizers?.includes(jobTrackingFinalizer)) return;
    const ref = controllerRefOf(pod);
    const job = ref
      ? this.jobInformer.get(`${splitMetaNamespaceKey(podKey).namespace}/${ref.name}`)
      : undefined;
    if (job && job.metadata?.uid === ref?.uid) return;
    await this.removeFinalizers([pod]);
  }

  private pastDeadline(job: JobObj, status: JobStatus): boolean {
    const limit = job.spec?.activeDeadlineSeconds;
    if (limit === undefined || !status.startTime) return false;
    return this.clock.now() >= Date.parse(status.startTime) + limit * 1000;
  }

  private requeueForDeadline(job: JobObj, status: JobStatus): void {
    const limit = job.spec?.activeDeadlineSeconds;
    if (limit === undefined || !status.startTime) return;
    const left = Date.parse(status.startTime) + limit * 1000 - this.clock.now();
    this.enqueueAfter(metaNamespaceKey(job), Math.max(0, left) + 100);
  }

  /** Time left before a failed job may start another pod: base * 2^(failures-1) after the last failure. */
  private backoffRemaining(job: JobObj, status: JobStatus): number {
    const failures = status.failed ?? 0;
    if (failures === 0) return 0;
    const delay = Math.min(this.backoffBaseMs * 2 ** (failures - 1), this.backoffMaxMs);
    const finishes = this.podInformer
      .byIndex('namespace', job.metadata!.namespace!)
      .filter((p) => controllerRefOf(p)?.uid === job.metadata?.uid && p.status?.phase === 'Failed')
      .map(finishedAt)
      .filter((t) => t > 0);
    const last = finishes.length > 0 ? Math.max(...finishes) : 0;
    return Math.max(0, last + delay - this.clock.now());
  }

  private async writeStatus(job: JobObj, status: JobStatus): Promise<void> {
    // Like upstream's omitempty counters: no `active: 0`, `failed: 0`, `succeeded: 0`.
    for (const k of ['active', 'failed', 'succeeded'] as const) if (status[k] === 0) delete status[k];
    if (JSON.stringify(normalize(job.status)) === JSON.stringify(normalize(status))) return;
    try {
      const updated = await this.client
        .resource<JobObj>('batch/v1', 'Job')
        .namespace(job.metadata!.namespace!)
        .updateStatus({ ...job, status });
      job.metadata = updated.metadata;
      job.status = updated.status;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** The job's selector, or (as the API server generates it upstream) its controller-uid label. */
export function effectiveSelector(job: JobObj): LabelMatcher {
  try {
    if (job.spec?.selector && (job.spec.manualSelector || Object.keys(job.spec.selector).length > 0))
      return labelSelectorAsMatcher(job.spec.selector);
  } catch {
    return LabelMatcher.nothing();
  }
  return LabelMatcher.fromSet({ [controllerUidLabel]: job.metadata!.uid! });
}

const indexOf = (p: PodObj): number | undefined => {
  const v =
    p.metadata?.annotations?.[completionIndexAnnotation] ?? p.metadata?.labels?.[completionIndexAnnotation];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
};

function finishedAt(p: PodObj): number {
  let t = 0;
  for (const c of p.status?.containerStatuses ?? []) {
    const f = Date.parse((c as any).state?.terminated?.finishedAt ?? '');
    if (Number.isFinite(f)) t = Math.max(t, f);
  }
  return t || Date.parse(p.metadata?.creationTimestamp ?? '') || 0;
}

function setsEqual(u: { succeeded: Set<string>; failed: Set<string> }, status: JobStatus): boolean {
  const s = status.uncountedTerminatedPods ?? {};
  return u.succeeded.size === (s.succeeded?.length ?? 0) && u.failed.size === (s.failed?.length ?? 0);
}

/** The status with empty uncounted lists dropped, for comparing. */
function normalize(s: JobStatus | undefined): unknown {
  const copy: Record<string, unknown> = { ...s };
  const u = s?.uncountedTerminatedPods;
  if (!u || ((u.succeeded?.length ?? 0) === 0 && (u.failed?.length ?? 0) === 0))
    delete copy.uncountedTerminatedPods;
  for (const k of ['active', 'ready', 'terminating', 'succeeded', 'failed'])
    if (copy[k] === 0) delete copy[k];
  if (copy.completedIndexes === '') delete copy.completedIndexes;
  return Object.fromEntries(Object.entries(copy).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function setJobCondition(
  conditions: JobCondition[],
  type: string,
  reason: string,
  message: string,
  now: string,
  status: 'True' | 'False' = 'True',
): JobCondition[] {
  const current = conditions.find((c) => c.type === type);
  if (current && current.status === status && current.reason === reason) return conditions;
  const cond: JobCondition = { type, status, reason, message, lastProbeTime: now, lastTransitionTime: now };
  return [...conditions.filter((c) => c.type !== type), cond];
}

/** The first podFailurePolicy rule a failed pod matches (exit codes or pod conditions). */
export function matchFailurePolicy(
  rules: PodFailurePolicyRule[] | undefined,
  pod: PodObj,
): { rule: PodFailurePolicyRule; index: number; container: { name: string; exitCode: number } } | undefined {
  if (!rules || pod.status?.phase !== 'Failed') return undefined;
  for (const [index, rule] of rules.entries()) {
    if (rule.onExitCodes) {
      const req = rule.onExitCodes;
      for (const c of pod.status?.containerStatuses ?? []) {
        const code = (c as any).state?.terminated?.exitCode as number | undefined;
        if (code === undefined || code === 0) continue;
        if (req.containerName && req.containerName !== c.name) continue;
        const inValues = req.values.includes(code);
        if (req.operator === 'In' ? inValues : !inValues)
          return { rule, index, container: { name: c.name, exitCode: code } };
      }
    }
    for (const pattern of rule.onPodConditions ?? []) {
      const cond = pod.status?.conditions?.find((c) => c.type === pattern.type);
      if (cond && cond.status === (pattern.status ?? 'True'))
        return { rule, index, container: { name: '', exitCode: 0 } };
    }
  }
  return undefined;
}
