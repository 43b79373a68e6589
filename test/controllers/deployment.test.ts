import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './harness.ts';
import { deployment } from './manifests.ts';
import { PodWatch } from './pod-watch.ts';

const revisionKey = 'deployment.kubernetes.io/revision';

describe('Deployment and ReplicaSet controllers with kubectl', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster({ controllers: ['replicaset', 'deployment'], nodes: 3 });
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  });

  const podsOf = async (app: string) =>
    (await c.getJson('pods', '-l', `app=${app}`)).items.filter((p: any) => !p.metadata.deletionTimestamp);
  const eventsOf = async (name: string) =>
    (await c.getJson('events', '--field-selector', `involvedObject.name=${name}`)).items as any[];

  it('spreads a 3-replica deployment over 3 nodes, with revision 1 and a ScalingReplicaSet event', async () => {
    await c.k('create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=3');
    expect(await c.k('rollout', 'status', 'deployment/web', '--timeout=90s')).toContain(
      'deployment "web" successfully rolled out',
    );
    const pods = await podsOf('web');
    expect(pods).toHaveLength(3);
    expect(new Set(pods.map((p: any) => p.spec.nodeName)).size).toBe(3);
    const rs = (await c.getJson('rs', '-l', 'app=web')).items;
    expect(rs).toHaveLength(1);
    expect(rs[0].metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(rs[0].metadata.annotations[revisionKey]).toBe('1');
    expect(pods[0].metadata.ownerReferences[0]).toMatchObject({
      kind: 'ReplicaSet',
      controller: true,
      blockOwnerDeletion: true,
    });
    const d = await c.getJson('deployment', 'web');
    expect(d.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    const conds = Object.fromEntries(d.status.conditions.map((x: any) => [x.type, x.reason]));
    expect(conds).toEqual({ Available: 'MinimumReplicasAvailable', Progressing: 'NewReplicaSetAvailable' });
    const messages = (await eventsOf('web')).map((e) => `${e.reason} ${e.message}`);
    expect(messages).toContainEqual(
      expect.stringMatching(/^ScalingReplicaSet Scaled up replica set web-\w+ from 0 to 3$/),
    );
    expect(await c.k('describe', 'deployment', 'web')).toMatch(
      /ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-\w+ from 0 to 3/,
    );
    expect(await c.k('describe', 'rs', rs[0].metadata.name)).toMatch(
      /SuccessfulCreate\s+\S+\s+replicaset-controller\s+Created pod: web-/,
    );
    const rsEvents = (await eventsOf(rs[0].metadata.name)).map((e) => e.reason);
    expect(rsEvents).toContain('SuccessfulCreate');
  }, 180_000);

  it('scales up and down with kubectl scale', async () => {
    await c.k('scale', 'deployment/web', '--replicas=5');
    await c.k('rollout', 'status', 'deployment/web', '--timeout=90s');
    expect(await podsOf('web')).toHaveLength(5);
    await c.k('scale', 'deployment/web', '--replicas=2');
    await eventually(async () => (await podsOf('web')).length === 2, 'two pods after scaling down');
    const d = await c.getJson('deployment', 'web');
    await eventually(
      async () => (await c.getJson('deployment', 'web')).status.replicas === 2,
      'status.replicas 2',
    );
    expect(d.spec.replicas).toBe(2);
  }, 180_000);

  it('replaces a deleted pod', async () => {
    const [victim] = await podsOf('web');
    await c.k('delete', 'pod', victim.metadata.name);
    await eventually(async () => {
      const pods = await podsOf('web');
      return pods.length === 2 && !pods.some((p: any) => p.metadata.name === victim.metadata.name) && pods;
    }, 'a replacement pod');
  }, 120_000);

  it('keeps availability within maxUnavailable at every step of a rolling update, and undo returns the old template', async () => {
    await c.apply(
      deployment('roll', 4, 'nginx:1.25', {
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      }),
    );
    await c.k('rollout', 'status', 'deployment/roll', '--timeout=90s');
    const watch = new PodWatch(c.client, 'default', 'app=roll');
    await watch.start();
    await c.k('set', 'image', 'deployment/roll', 'main=nginx:1.26');
    expect(await c.k('rollout', 'status', 'deployment/roll', '--timeout=90s')).toContain(
      'successfully rolled out',
    );
    await eventually(
      async () => watch.snapshot().live === 4 && watch.snapshot().ready === 4,
      'four ready pods',
    );
    await watch.stop();
    expect(watch.snapshots.length).toBeGreaterThan(4);
    for (const s of watch.snapshots) {
      expect(s.ready).toBeGreaterThanOrEqual(3); // replicas - maxUnavailable
      expect(s.live).toBeLessThanOrEqual(5); // replicas + maxSurge
    }
    const images = (await podsOf('roll')).map((p: any) => p.spec.containers[0].image);
    expect(new Set(images)).toEqual(new Set(['nginx:1.26']));
    const sets = (await c.getJson('rs', '-l', 'app=roll')).items;
    expect(sets).toHaveLength(2);

    expect(await c.k('rollout', 'history', 'deployment/roll')).toMatch(/1\s+<none>[\s\S]*2\s+<none>/);
    await c.k('rollout', 'undo', 'deployment/roll');
    await c.k('rollout', 'status', 'deployment/roll', '--timeout=90s');
    const d = await c.getJson('deployment', 'roll');
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.25');
    expect(d.metadata.annotations[revisionKey]).toBe('3');
    await eventually(async () => {
      const images = (await podsOf('roll')).map((p: any) => p.spec.containers[0].image);
      return images.length === 4 && images.every((i: string) => i === 'nginx:1.25');
    }, 'pods back on the old image');
  }, 240_000);

  it('restarts, pauses and resumes a rollout', async () => {
    await c.k('rollout', 'restart', 'deployment/roll');
    await c.k('rollout', 'status', 'deployment/roll', '--timeout=90s');
    const d = await c.getJson('deployment', 'roll');
    expect(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBeTruthy();
    const pods = await podsOf('roll');
    expect(pods.every((p: any) => p.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'])).toBe(true);

    await c.k('rollout', 'pause', 'deployment/roll');
    await c.k('set', 'image', 'deployment/roll', 'main=nginx:1.27');
    await eventually(async () => {
      const d = await c.getJson('deployment', 'roll');
      return d.status.conditions.find((x: any) => x.type === 'Progressing')?.reason === 'DeploymentPaused';
    }, 'the DeploymentPaused condition');
    expect((await podsOf('roll')).some((p: any) => p.spec.containers[0].image === 'nginx:1.27')).toBe(false);
    await c.k('rollout', 'resume', 'deployment/roll');
    await c.k('rollout', 'status', 'deployment/roll', '--timeout=90s');
    await eventually(async () => {
      const images = (await podsOf('roll')).map((p: any) => p.spec.containers[0].image);
      return images.length === 4 && images.every((i: string) => i === 'nginx:1.27');
    }, 'pods on the resumed image');
  }, 240_000);

  it('Recreate stops every old pod before starting new ones', async () => {
    await c.apply(deployment('rec', 2, 'nginx:1.25', { strategy: { type: 'Recreate' } }));
    await c.k('rollout', 'status', 'deployment/rec', '--timeout=90s');
    const watch = new PodWatch(c.client, 'default', 'app=rec');
    await watch.start();
    await c.k('set', 'image', 'deployment/rec', 'main=nginx:1.26');
    await c.k('rollout', 'status', 'deployment/rec', '--timeout=90s');
    await eventually(async () => watch.snapshot().ready === 2, 'two ready pods');
    await watch.stop();
    expect(watch.snapshots.some((s) => s.live === 0)).toBe(true);
    expect(Math.max(...watch.snapshots.map((s) => s.live))).toBeLessThanOrEqual(2);
  }, 180_000);

  it('reports ProgressDeadlineExceeded when new pods never become ready', async () => {
    // A readiness gate nobody sets: the pod runs but never becomes Ready.
    const stuck = JSON.parse(deployment('stuck', 1, 'nginx:1.25', { progressDeadlineSeconds: 2 }));
    stuck.spec.template.spec.readinessGates = [{ conditionType: 'example.com/never' }];
    await c.apply(JSON.stringify(stuck));
    const r = await c.kubectl(['rollout', 'status', 'deployment/stuck', '--timeout=90s']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('deployment "stuck" exceeded its progress deadline');
  }, 180_000);

  it('keeps only revisionHistoryLimit old ReplicaSets', async () => {
    await c.apply(deployment('hist', 1, 'nginx:1', { revisionHistoryLimit: 1 }));
    for (const tag of ['2', '3', '4']) {
      await c.k('set', 'image', 'deployment/hist', `main=nginx:${tag}`);
      await c.k('rollout', 'status', 'deployment/hist', '--timeout=90s');
    }
    await eventually(
      async () => (await c.getJson('rs', '-l', 'app=hist')).items.length === 2,
      'one old ReplicaSet kept',
    );
  }, 240_000);

  it('scales a stuck rollout proportionally across its old and new ReplicaSets', async () => {
    await c.apply(
      deployment('prop', 3, 'nginx:1.25', {
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      }),
    );
    await c.k('rollout', 'status', 'deployment/prop', '--timeout=90s');
    // The new pods never become ready, so the rollout stops at old 3 + new 1.
    await c.k(
      'patch',
      'deployment/prop',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/spec/template/spec/readinessGates","value":[{"conditionType":"example.com/never"}]}]',
    );
    const sizes = async () => {
      const sets = (await c.getJson('rs', '-l', 'app=prop')).items;
      return sets
        .map(
          (rs: any) => `${rs.metadata.annotations['deployment.kubernetes.io/revision']}:${rs.spec.replicas}`,
        )
        .sort()
        .join(',');
    };
    await eventually(async () => (await sizes()) === '1:3,2:1', 'old 3 and new 1');
    // 6 replicas with maxSurge 1 allow 7 pods, 3 more than now, shared by size like upstream:
    // old round(3 * 7 / 4) = 5, new round(1 * 7 / 4) = 2 (4 being the max-replicas they were made for).
    await c.k('scale', 'deployment/prop', '--replicas=6');
    await eventually(async () => (await sizes()) === '1:5,2:2', 'old 5 and new 2');
  }, 180_000);
});
