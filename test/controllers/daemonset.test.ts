import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './harness.ts';
import { PodWatch } from './pod-watch.ts';

function daemonSet(name: string, image: string, podSpec: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image }], ...podSpec },
      },
    },
  });
}

describe('DaemonSet controller with kubectl', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster({ controllers: ['daemonset'], nodes: 3 });
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  });

  const livePods = async (app: string) =>
    (await c.getJson('pods', '-l', `app=${app}`)).items.filter((p: any) => !p.metadata.deletionTimestamp);
  const nodesOf = async (app: string) => (await livePods(app)).map((p: any) => p.spec.nodeName).sort();

  it('runs one pod on every node, and on a node added later', async () => {
    await c.apply(daemonSet('agent', 'busybox:1'));
    expect(await c.k('rollout', 'status', 'daemonset/agent', '--timeout=90s')).toContain(
      'daemon set "agent" successfully rolled out',
    );
    expect(await nodesOf('agent')).toEqual(['node-1', 'node-2', 'node-3']);
    const pod = (await livePods('agent'))[0];
    const terms =
      pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms[0].matchFields[0]).toMatchObject({ key: 'metadata.name', operator: 'In' });
    expect(pod.spec.tolerations).toContainEqual({
      key: 'node.kubernetes.io/unreachable',
      operator: 'Exists',
      effect: 'NoExecute',
    });

    await c.nodes.addNodes(1);
    await eventually(
      async () => (await nodesOf('agent')).join() === 'node-1,node-2,node-3,node-4',
      'a pod on node-4',
    );
    await eventually(async () => {
      const s = (await c.getJson('ds', 'agent')).status;
      return (
        s.desiredNumberScheduled === 4 &&
        s.numberReady === 4 &&
        s.numberAvailable === 4 &&
        s.updatedNumberScheduled === 4
      );
    }, 'status counting four nodes');
  }, 180_000);

  it('skips tainted nodes unless tolerated and follows nodeSelector as labels change', async () => {
    // NoSchedule keeps new daemons off a node; the ones already there stay (upstream).
    await c.k('taint', 'node', 'node-4', 'dedicated=db:NoSchedule');
    await c.apply(daemonSet('late', 'busybox:1'));
    await c.apply(
      daemonSet('tolerant', 'busybox:1', { tolerations: [{ key: 'dedicated', operator: 'Exists' }] }),
    );
    await eventually(
      async () => (await nodesOf('late')).join() === 'node-1,node-2,node-3',
      'late daemons off node-4',
    );
    await eventually(async () => (await nodesOf('tolerant')).length === 4, 'tolerant daemons on every node');
    expect(await nodesOf('agent')).toContain('node-4');
    await c.k('taint', 'node', 'node-4', 'dedicated-');
    await eventually(
      async () => (await nodesOf('late')).length === 4,
      'late daemons on node-4 once untainted',
    );

    await c.apply(daemonSet('picky', 'busybox:1', { nodeSelector: { disk: 'ssd' } }));
    await c.k('label', 'node', 'node-2', 'disk=ssd');
    await eventually(async () => (await nodesOf('picky')).join() === 'node-2', 'a picky pod on node-2 only');
    await c.k('label', 'node', 'node-2', 'disk-');
    await eventually(async () => (await livePods('picky')).length === 0, 'the picky pod removed from node-2');
    const events = (await c.getJson('events', '--field-selector', 'involvedObject.name=picky')).items.map(
      (e: any) => e.reason,
    );
    expect(events).toEqual(expect.arrayContaining(['SuccessfulCreate', 'SuccessfulDelete']));
  }, 180_000);

  it('rolls a new image out node by node', async () => {
    await c.k('set', 'image', 'daemonset/agent', 'main=busybox:2');
    await c.k('rollout', 'status', 'daemonset/agent', '--timeout=90s');
    await eventually(async () => {
      const images = (await livePods('agent')).map((p: any) => p.spec.containers[0].image);
      return images.length === 4 && images.every((i: string) => i === 'busybox:2');
    }, 'every daemon pod on the new image');
    const revs = (await c.getJson('controllerrevisions')).items.filter(
      (r: any) => r.metadata.ownerReferences?.[0]?.name === 'agent',
    );
    expect(revs).toHaveLength(2);
  }, 180_000);

  it('with maxSurge starts the new pod before stopping the old one, so no node is ever without a ready daemon', async () => {
    const manifest = JSON.parse(daemonSet('surge', 'busybox:1'));
    manifest.spec.updateStrategy.rollingUpdate = { maxSurge: 1, maxUnavailable: 0 };
    await c.apply(JSON.stringify(manifest));
    await c.k('rollout', 'status', 'daemonset/surge', '--timeout=90s');
    const watch = new PodWatch(c.client, 'default', 'app=surge');
    await watch.start();
    await c.k('set', 'image', 'daemonset/surge', 'main=busybox:2');
    await c.k('rollout', 'status', 'daemonset/surge', '--timeout=90s');
    await eventually(async () => {
      const images = (await livePods('surge')).map((p: any) => p.spec.containers[0].image);
      return images.length === 4 && images.every((i: string) => i === 'busybox:2');
    }, 'every surge pod on the new image');
    await watch.stop();
    expect(watch.snapshots.length).toBeGreaterThan(4);
    for (const s of watch.snapshots) {
      expect(s.ready).toBeGreaterThanOrEqual(4);
      expect(s.live).toBeLessThanOrEqual(5);
    }
  }, 180_000);
});
