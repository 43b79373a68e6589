import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './harness.ts';

const replicaSet = (name: string, replicas: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, tier: 'x' } },
        spec: { containers: [{ name: 'main', image: 'nginx' }] },
      },
      ...extra,
    },
  });

const orphan = (name: string, labels: Record<string, string>) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'main', image: 'nginx' }] },
  });

describe('ReplicaSet controller with kubectl', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster({ controllers: ['replicaset'], nodes: 2 });
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  });

  const live = async (app: string) =>
    (await c.getJson('pods', '-l', `app=${app}`)).items.filter((p: any) => !p.metadata.deletionTimestamp);
  const owned = (p: any, uid: string) =>
    p.metadata.ownerReferences?.some((r: any) => r.uid === uid && r.controller);

  it('adopts a matching orphan instead of creating another pod, and releases a pod that stops matching', async () => {
    await c.apply(replicaSet('front', 2));
    const rs = await eventually(async () => {
      const r = await c.getJson('rs', 'front');
      return r.status?.readyReplicas === 2 && r;
    }, 'two ready replicas');
    expect(rs.status).toMatchObject({
      replicas: 2,
      fullyLabeledReplicas: 2,
      availableReplicas: 2,
      observedGeneration: 1,
    });

    // An extra matching pod is adopted; then the set has one too many and deletes one.
    await c.apply(orphan('stray', { app: 'front' }));
    await eventually(async () => {
      const pods = await live('front');
      return pods.length === 2 && pods.every((p: any) => owned(p, rs.metadata.uid));
    }, 'the stray pod adopted and the surplus deleted');
    await eventually(
      async () => (await c.getJson('rs', 'front')).status.replicas === 2,
      'status.replicas back to 2',
    );

    // Relabelling a pod takes it out of the set: it is released and replaced.
    const [first] = await live('front');
    await c.k('label', 'pod', first.metadata.name, 'app=elsewhere', '--overwrite');
    await eventually(async () => {
      const released = await c.getJson('pod', first.metadata.name);
      const pods = await live('front');
      return !owned(released, rs.metadata.uid) && pods.length === 2;
    }, 'the relabelled pod released and replaced');
  }, 180_000);

  it('reports fullyLabeledReplicas for pods that match the selector but not the whole template', async () => {
    await c.apply(replicaSet('partial', 1));
    await eventually(
      async () => (await c.getJson('rs', 'partial')).status?.readyReplicas === 1,
      'one ready replica',
    );
    const [pod] = await live('partial');
    await c.k('label', 'pod', pod.metadata.name, 'tier-');
    await eventually(
      async () => (await c.getJson('rs', 'partial')).status.fullyLabeledReplicas === 0,
      'fullyLabeledReplicas 0',
    );
  }, 120_000);

  it('counts pods available only after minReadySeconds', async () => {
    await c.apply(replicaSet('slow', 1, { minReadySeconds: 2 }));
    const ready = await eventually(async () => {
      const s = (await c.getJson('rs', 'slow')).status;
      return s?.readyReplicas === 1 && s;
    }, 'one ready replica');
    expect(ready.availableReplicas ?? 0).toBeLessThanOrEqual(1);
    await eventually(
      async () => (await c.getJson('rs', 'slow')).status.availableReplicas === 1,
      'available after 2s',
    );
  }, 120_000);

  it('reports ReplicaFailure when the API refuses its pods (a terminating namespace)', async () => {
    await c.k('create', 'namespace', 'doomed');
    const r = await c.kubectl(['apply', '-n', 'doomed', '-f', '-'], { input: replicaSet('stuck', 1) });
    expect(r.code).toBe(0);
    await eventually(
      async () => (await c.getJson('rs', 'stuck', '-n', 'doomed')).status?.readyReplicas === 1,
      'a ready pod',
    );
    // Nothing empties the namespace here (no namespace controller): it stays Terminating.
    await c.k('delete', 'namespace', 'doomed', '--wait=false');
    const [pod] = (await c.getJson('pods', '-n', 'doomed')).items;
    await c.k('delete', 'pod', '-n', 'doomed', pod.metadata.name, '--wait=false');
    const failure = await eventually(async () => {
      const rs = await c.getJson('rs', 'stuck', '-n', 'doomed');
      return rs.status?.conditions?.find((x: any) => x.type === 'ReplicaFailure' && x.status === 'True');
    }, 'the ReplicaFailure condition');
    expect(failure.reason).toBe('FailedCreate');
    expect(failure.message).toContain('because it is being terminated');
    // (Its FailedCreate event is refused too: nothing new may be created in the namespace.)
  }, 120_000);
});
