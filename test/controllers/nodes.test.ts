// Nodes as a user sees them with simulated nodes: a pod CIDR each (pod IPs come from it), and
// when a node goes silent: NotReady with the upstream conditions, unreachable taints, its pods
// marked not ready and evicted after their default tolerations, recreated elsewhere; events on
// the node; taints gone when it comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfraCluster, until, type InfraCluster } from './infra-cluster.ts';

const inCidr = (ip: string, cidr: string) =>
  ip.split('.').slice(0, 3).join('.') === cidr.split('.').slice(0, 3).join('.');

describe('node IPAM, node lifecycle and taint eviction with kubectl', () => {
  let c: InfraCluster;
  beforeAll(async () => {
    c = await startInfraCluster({ nodes: 3, nodeMonitorGracePeriodMs: 4_000, tolerationSeconds: 2 });
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  });

  it('gives every node its own /24 of 10.244.0.0/16, and pods addresses from their node’s', async () => {
    const nodes = await until(async () => {
      const items = (await c.json('nodes')).items;
      return items.every((n: any) => n.spec.podCIDR) && items;
    }, 'pod CIDRs on every node');
    const cidrs = nodes.map((n: any) => n.spec.podCIDR);
    expect(new Set(cidrs).size).toBe(3);
    for (const cidr of cidrs) expect(cidr).toMatch(/^10\.244\.\d+\.0\/24$/);
    await c.k('create', 'deployment', 'web', '--image=nginx', '--replicas=3');
    await c.k('rollout', 'status', 'deployment/web', '--timeout=90s');
    const pods = (await c.json('pods', '-l', 'app=web')).items;
    for (const p of pods) {
      const node = nodes.find((n: any) => n.metadata.name === p.spec.nodeName);
      expect(inCidr(p.status.podIP, node.spec.podCIDR)).toBe(true);
      // DefaultTolerationSeconds admission, with the cluster's setting.
      expect(p.spec.tolerations).toEqual(
        expect.arrayContaining([
          {
            key: 'node.kubernetes.io/unreachable',
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: 2,
          },
          {
            key: 'node.kubernetes.io/not-ready',
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: 2,
          },
        ]),
      );
    }
  }, 120_000);

  it('notices a silent node, taints it, and its pods come back on the others', async () => {
    const victim = (await c.json('pods', '-l', 'app=web')).items[0].spec.nodeName as string;
    // A pod that tolerates the node's failure forever: it stays, marked not ready.
    await c.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stubborn' },
      spec: {
        nodeName: victim,
        containers: [{ name: 'c', image: 'nginx' }],
        tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }],
      },
    });
    await until(
      async () =>
        (await c.json('pod', 'stubborn')).status.conditions?.some(
          (x: any) => x.type === 'Ready' && x.status === 'True',
        ),
      'stubborn ready',
    );

    await c.sim.fail(victim);
    const table = await until(async () => {
      const out = await c.k('get', 'node', victim);
      return out.includes('NotReady') && out;
    }, `${victim} NotReady`);
    expect(table).toMatch(new RegExp(`${victim}\\s+NotReady`));
    const node = await c.json('node', victim);
    const ready = node.status.conditions.find((x: any) => x.type === 'Ready');
    expect(ready).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
    await until(async () => {
      const taints = ((await c.json('node', victim)).spec.taints ?? [])
        .map((t: any) => `${t.key}:${t.effect}`)
        .sort();
      return (
        taints.join() === 'node.kubernetes.io/unreachable:NoExecute,node.kubernetes.io/unreachable:NoSchedule'
      );
    }, 'unreachable taints');

    await until(
      async () => {
        const live = (await c.json('pods', '-l', 'app=web')).items.filter(
          (p: any) => !p.metadata.deletionTimestamp && p.status.phase === 'Running',
        );
        return live.length === 3 && live.every((p: any) => p.spec.nodeName !== victim);
      },
      'three web pods on the other nodes',
      120_000,
    );
    const stubborn = await c.json('pod', 'stubborn');
    expect(stubborn.metadata.deletionTimestamp).toBeUndefined();
    expect(stubborn.status.conditions.find((x: any) => x.type === 'Ready').status).toBe('False');

    const described = await c.k('describe', 'node', victim);
    expect(described).toMatch(/RegisteredNode\s+.*Node \S+ event: Registered Node \S+ in Controller/);
    expect(described).toMatch(/NodeNotReady\s+.*Node \S+ status is now: NodeNotReady/);
    const podEvents = await c.k('get', 'events', '--field-selector', 'reason=TaintManagerEviction');
    expect(podEvents).toContain('Marking for deletion Pod default/web-');
  }, 180_000);

  it('removes the taints when the node comes back', async () => {
    const victim = (await c.json('nodes')).items.find((n: any) => (n.spec.taints ?? []).length > 0).metadata
      .name;
    await c.sim.recover(victim);
    await until(
      async () => ((await c.json('node', victim)).spec.taints ?? []).length === 0,
      'taints removed',
    );
    expect(await c.k('get', 'node', victim)).toMatch(new RegExp(`${victim}\\s+Ready`));
  }, 120_000);
});
