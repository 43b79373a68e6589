// The TTL-after-finished controller (upstream pkg/controller/ttlafterfinished): deletes a Job
// `ttlSecondsAfterFinished` after it completed or failed, at that moment (a delayed requeue), not
// by polling.
import { isNotFound, type SharedIndexInformer } from '../../api/client/index.ts';
import { QueueController, type ControllerConfig } from './controller.ts';
import { isJobFinished, type JobObj } from './job.ts';

export class TtlAfterFinishedController extends QueueController {
  private readonly jobInformer: SharedIndexInformer<JobObj>;

  constructor(config: ControllerConfig) {
    super('ttl-after-finished', config);
    this.jobInformer = this.informers.informerFor<JobObj>('batch/v1', 'Job');
    const consider = (j: JobObj) => {
      if (j.spec?.ttlSecondsAfterFinished !== undefined && isJobFinished(j) && !j.metadata?.deletionTimestamp)
        this.enqueue(j);
    };
    this.jobInformer.addEventHandler({ onAdd: consider, onUpdate: (_o, j) => consider(j) });
  }

  protected async sync(key: string): Promise<void> {
    const job = this.jobInformer.get(key);
    if (!job || job.metadata?.deletionTimestamp || !isJobFinished(job)) return;
    const ttl = job.spec?.ttlSecondsAfterFinished;
    if (ttl === undefined) return;
    const finished = (job.status?.conditions ?? []).find(
      (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    );
    const at = Date.parse(finished?.lastTransitionTime ?? job.status?.completionTime ?? '') + ttl * 1000;
    const left = at - this.clock.now();
    if (Number.isFinite(left) && left > 0) {
      this.enqueueAfter(key, left + 100);
      return;
    }
    try {
      // Upstream deletes in the foreground; background lets the garbage collector take the pods
      // even while it is not running, and the Job is gone at once either way.
      await this.client
        .resource('batch/v1', 'Job')
        .namespace(job.metadata!.namespace!)
        .delete(job.metadata!.name!, {
          propagationPolicy: 'Background',
          preconditions: { uid: job.metadata!.uid },
        });
      this.logger.info('deleted finished job', { job: key });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
