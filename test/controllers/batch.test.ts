import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../api/client/index.ts';
import { realClock } from '../../api/client/index.ts';
import { eventually, startTestCluster, type TestCluster } from './harness.ts';

/** Real timers, but "now" is ahead: a `* * * * *` CronJob is due at once instead of in a minute. */
const aheadClock = (ms: number): Clock => ({ now: () => Date.now() + ms, setTimer: realClock.setTimer });

function job(name: string, spec: Record<string, unknown>, command = 'exit 0'): string {
  return JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', command] }],
        },
      },
      ...spec,
    },
  });
}

describe('Job, TTL-after-finished and CronJob controllers with kubectl', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster({
      controllers: ['job', 'ttl-after-finished', 'cronjob'],
      nodes: 2,
      settings: { job: { backoffBaseMs: 200 }, cronjob: { clock: aheadClock(65_000) } },
    });
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  });

  const cond = (j: any, type: string) =>
    j.status?.conditions?.find((x: any) => x.type === type && x.status === 'True');

  it('completes a job made by kubectl create job', async () => {
    await c.k('create', 'job', 'hello', '--image=busybox', '--', 'echo', 'hello');
    await c.k('wait', '--for=condition=complete', 'job/hello', '--timeout=90s');
    expect((await c.getJson('job', 'hello')).status.succeeded).toBe(1);
  }, 120_000);

  it('completes a job with completions and parallelism; kubectl wait sees Complete', async () => {
    await c.apply(job('pi', { completions: 3, parallelism: 2 }));
    const r = await c.kubectl(['wait', '--for=condition=complete', 'job/pi', '--timeout=90s']);
    expect(r.stdout + r.stderr).toContain('job.batch/pi condition met');
    const j = await c.getJson('job', 'pi');
    expect(j.status).toMatchObject({ succeeded: 3 });
    expect(j.status.startTime).toBeTruthy();
    expect(j.status.completionTime).toBeTruthy();
    expect(cond(j, 'SuccessCriteriaMet')?.reason).toBe('CompletionsReached');
    expect(cond(j, 'Complete')?.message).toBe('Reached expected number of succeeded pods');
    const pods = (await c.getJson('pods', '-l', 'batch.kubernetes.io/job-name=pi')).items;
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.labels['batch.kubernetes.io/controller-uid']).toBe(j.metadata.uid);
      expect(p.metadata.finalizers ?? []).not.toContain('batch.kubernetes.io/job-tracking');
    }
    const events = (await c.getJson('events', '--field-selector', 'involvedObject.name=pi')).items.map(
      (e: any) => e.reason,
    );
    expect(events).toEqual(expect.arrayContaining(['SuccessfulCreate', 'Completed']));
  }, 120_000);

  it('fails a job after backoffLimit retries with BackoffLimitExceeded', async () => {
    await c.apply(job('fails', { backoffLimit: 1 }, 'exit 1'));
    await c.k('wait', '--for=condition=failed', 'job/fails', '--timeout=90s');
    const j = await c.getJson('job', 'fails');
    expect(j.status.failed).toBe(2);
    expect(cond(j, 'Failed')).toMatchObject({
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
    expect(cond(j, 'FailureTarget')?.reason).toBe('BackoffLimitExceeded');
  }, 120_000);

  it('fails at once on a podFailurePolicy FailJob rule', async () => {
    await c.apply(
      job(
        'policy',
        {
          backoffLimit: 6,
          podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] },
        },
        'exit 42',
      ),
    );
    await c.k('wait', '--for=condition=failed', 'job/policy', '--timeout=90s');
    const j = await c.getJson('job', 'policy');
    expect(cond(j, 'Failed')?.reason).toBe('PodFailurePolicy');
    expect(j.status.failed).toBe(1);
  }, 120_000);

  it('runs an Indexed job with one pod per index and JOB_COMPLETION_INDEX', async () => {
    await c.apply(job('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    await c.k('wait', '--for=condition=complete', 'job/idx', '--timeout=90s');
    const j = await c.getJson('job', 'idx');
    expect(j.status.completedIndexes).toBe('0-2');
    const pods = (await c.getJson('pods', '-l', 'batch.kubernetes.io/job-name=idx')).items;
    const indexes = pods
      .map((p: any) => p.metadata.annotations['batch.kubernetes.io/job-completion-index'])
      .sort();
    expect(indexes).toEqual(['0', '1', '2']);
    for (const p of pods) {
      const env = p.spec.containers[0].env.find((e: any) => e.name === 'JOB_COMPLETION_INDEX');
      expect(env.value).toBe(p.metadata.annotations['batch.kubernetes.io/job-completion-index']);
    }
  }, 120_000);

  it('fails a job that outlives activeDeadlineSeconds', async () => {
    await c.apply(job('slow', { activeDeadlineSeconds: 1 }, 'sleep 3600'));
    await c.k('wait', '--for=condition=failed', 'job/slow', '--timeout=90s');
    expect(cond(await c.getJson('job', 'slow'), 'Failed')?.reason).toBe('DeadlineExceeded');
  }, 120_000);

  it('suspends a job (no pods, Suspended condition) and resumes it to completion', async () => {
    await c.apply(job('later', { suspend: true, completions: 2 }));
    await eventually(
      async () => cond(await c.getJson('job', 'later'), 'Suspended')?.reason === 'JobSuspended',
      'Suspended',
    );
    expect((await c.getJson('pods', '-l', 'batch.kubernetes.io/job-name=later')).items).toHaveLength(0);
    await c.k('patch', 'job/later', '-p', '{"spec":{"suspend":false}}');
    await c.k('wait', '--for=condition=complete', 'job/later', '--timeout=90s');
    const j = await c.getJson('job', 'later');
    expect(j.status.conditions.find((x: any) => x.type === 'Suspended')).toMatchObject({
      status: 'False',
      reason: 'JobResumed',
    });
  }, 120_000);

  it('deletes a finished job after ttlSecondsAfterFinished', async () => {
    await c.apply(job('short-lived', { ttlSecondsAfterFinished: 1 }));
    await eventually(
      async () => (await c.kubectl(['get', 'job', 'short-lived'])).stderr.includes('NotFound'),
      'the job to be deleted',
    );
  }, 120_000);

  it('fires a CronJob: a job named after the scheduled minute runs to completion', async () => {
    await c.k(
      'create',
      'cronjob',
      'tick',
      '--image=busybox',
      '--schedule=* * * * *',
      '--',
      'sh',
      '-c',
      'exit 0',
    );
    const jobs = await eventually(async () => {
      const items = (await c.getJson('jobs')).items.filter(
        (j: any) => j.metadata.ownerReferences?.[0]?.name === 'tick',
      );
      return items.length > 0 && items;
    }, 'the CronJob to create a job');
    expect(jobs[0].metadata.name).toMatch(/^tick-\d{8}$/);
    await c.k('wait', '--for=condition=complete', `job/${jobs[0].metadata.name}`, '--timeout=90s');
    await eventually(async () => {
      const cj = await c.getJson('cronjob', 'tick');
      return cj.status.lastScheduleTime && cj.status.lastSuccessfulTime && !cj.status.active;
    }, 'lastSuccessfulTime on the CronJob');
    const events = (await c.getJson('events', '--field-selector', 'involvedObject.name=tick')).items.map(
      (e: any) => e.reason,
    );
    expect(events).toEqual(expect.arrayContaining(['SuccessfulCreate', 'SawCompletedJob']));
  }, 120_000);
});
