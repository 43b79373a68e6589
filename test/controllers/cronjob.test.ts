import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../api/client/index.ts';
import { eventually, startTestCluster, type TestCluster } from './harness.ts';

// The CronJob controller runs on a clock the test moves by hand: a minute passes in a step.
describe('CronJob concurrency policies and suspend, on a hand-driven clock', () => {
  let c: TestCluster;
  const clock = new FakeClock(Date.now() + 61_000);
  beforeAll(async () => {
    c = await startTestCluster({ controllers: ['cronjob'], nodes: 1, settings: { cronjob: { clock } } });
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  });

  const jobsOf = async (name: string) =>
    (await c.getJson('jobs')).items.filter(
      (j: any) => j.metadata.ownerReferences?.[0]?.name === name && !j.metadata.deletionTimestamp,
    );
  const reasons = async (name: string) =>
    (await c.getJson('events', '--field-selector', `involvedObject.name=${name}`)).items.map(
      (e: any) => `${e.reason}: ${e.message}`,
    );
  /** Move a minute on, as often as needed, until `check` holds. */
  const afterMinutes = <T>(check: () => Promise<T>, what: string) =>
    eventually(async () => {
      const v = await check();
      if (!v) clock.step(60_000);
      return v;
    }, what);

  it('Forbid skips a run while the last one is active; Replace deletes it and starts anew; suspend stops runs', async () => {
    // Forbid from the start, so no step of the clock can ever make a second concurrent run.
    await c.apply(
      JSON.stringify({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'forever' },
        spec: {
          schedule: '* * * * *',
          concurrencyPolicy: 'Forbid',
          jobTemplate: {
            spec: {
              template: {
                spec: {
                  restartPolicy: 'Never',
                  containers: [{ name: 'main', image: 'busybox', command: ['sleep', 'infinity'] }],
                },
              },
            },
          },
        },
      }),
    );
    // The clock may not have reached the first minute after creation yet: move it until it has.
    const [first] = await afterMinutes(async () => {
      const jobs = await jobsOf('forever');
      return jobs.length === 1 && jobs;
    }, 'the first job');
    expect(first.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBeTruthy();
    await eventually(
      async () => (await c.getJson('cronjob', 'forever')).status.active?.length === 1,
      'one active job',
    );

    await afterMinutes(
      async () =>
        (await reasons('forever')).some((r: string) => r.startsWith('JobAlreadyActive: Not starting job')),
      'JobAlreadyActive',
    );
    expect(await jobsOf('forever')).toHaveLength(1);

    await c.k('patch', 'cronjob/forever', '-p', '{"spec":{"concurrencyPolicy":"Replace"}}');
    await afterMinutes(
      async () => (await reasons('forever')).includes(`SuccessfulDelete: Deleted job ${first.metadata.name}`),
      'the first job replaced',
    );
    const jobs = await eventually(async () => {
      const list = await jobsOf('forever');
      return list.length === 1 && list[0].metadata.name !== first.metadata.name && list;
    }, 'a new job in its place');

    await c.k('patch', 'cronjob/forever', '-p', '{"spec":{"suspend":true,"concurrencyPolicy":"Allow"}}');
    await eventually(async () => (await c.getJson('cronjob', 'forever')).spec.suspend === true, 'suspended');
    const before = (await c.getJson('jobs')).items.length;
    // Three minutes pass while suspended; resuming starts one job for the latest time only.
    for (let i = 0; i < 3; i++) clock.step(60_000);
    await c.k('patch', 'cronjob/forever', '-p', '{"spec":{"suspend":false}}');
    await eventually(async () => (await jobsOf('forever')).length === 2, 'one job after resuming');
    expect((await c.getJson('jobs')).items.length).toBe(before + 1);
    expect((await jobsOf('forever')).map((j: any) => j.metadata.name)).toContain(jobs[0].metadata.name);
  }, 180_000);
});
