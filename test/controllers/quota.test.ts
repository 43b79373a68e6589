import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './harness.ts';

// A ResourceQuota refusing pods shows up where a user looks: the ReplicaSet's and the
// Deployment's ReplicaFailure condition, with the API server's message.
describe('workloads against a ResourceQuota', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster({ controllers: ['replicaset', 'deployment', 'resourcequota'], nodes: 2 });
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  });

  const failure = (obj: any) =>
    obj?.status?.conditions?.find((x: any) => x.type === 'ReplicaFailure' && x.status === 'True');

  it('reports the refused pods as ReplicaFailure and clears it once the count fits', async () => {
    await c.k('create', 'namespace', 'limited');
    await c.k('create', 'quota', 'pods', '--hard=pods=2', '-n', 'limited');
    await eventually(
      async () => (await c.getJson('quota', 'pods', '-n', 'limited')).status?.hard?.pods,
      'quota status',
    );
    await c.k('create', 'deployment', 'big', '--image=nginx', '--replicas=3', '-n', 'limited');

    const [rs] = await eventually(async () => {
      const sets = (await c.getJson('rs', '-n', 'limited', '-l', 'app=big')).items;
      return sets.length === 1 && failure(sets[0]) && sets;
    }, 'ReplicaFailure on the ReplicaSet');
    expect(failure(rs).reason).toBe('FailedCreate');
    expect(failure(rs).message).toContain('exceeded quota');
    await eventually(
      async () => failure(await c.getJson('deployment', 'big', '-n', 'limited')),
      'ReplicaFailure on the Deployment',
    );
    expect((await c.getJson('pods', '-n', 'limited')).items).toHaveLength(2);
    const events = (
      await c.getJson(
        'events',
        '-n',
        'limited',
        '--field-selector',
        `involvedObject.name=${rs.metadata.name}`,
      )
    ).items;
    expect(
      events.some(
        (e: any) =>
          e.reason === 'FailedCreate' && e.type === 'Warning' && e.message.includes('exceeded quota'),
      ),
    ).toBe(true);

    await c.k('scale', 'deployment/big', '--replicas=2', '-n', 'limited');
    await eventually(async () => {
      const d = await c.getJson('deployment', 'big', '-n', 'limited');
      return !failure(d) && d.status.availableReplicas === 2;
    }, 'ReplicaFailure cleared');
  }, 180_000);
});
