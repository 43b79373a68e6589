// The scheduler as `flotilla serve` runs it, with simulated nodes, observed through kubectl.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bare, requests, startSimCluster, type SimCluster } from './sim-cluster.ts';

let c: SimCluster;
beforeAll(async () => {
  c = await startSimCluster({ count: 3, cpu: '2', memory: '4Gi' });
});
afterAll(async () => {
  await c?.stop();
});

const pods = () => c.client.resource('v1', 'Pod').namespace('default');
const bound = (p: any) => !!p?.spec?.nodeName;

describe('scheduling on simulated nodes', () => {
  it('spreads three replicas over the three nodes, and they run', async () => {
    for (const i of [1, 2, 3])
      await pods().create(bare(`web-${i}`, requests({ cpu: '500m' }), { app: 'web' }));
    await c.waitPods(
      (ps) =>
        ps.filter((p) => p.metadata?.labels?.app === 'web' && p.status?.phase === 'Running').length === 3,
      'three web pods Running',
    );
    const nodes = c.pods
      .list()
      .filter((p) => p.metadata?.labels?.app === 'web')
      .map((p) => p.spec?.nodeName);
    expect(new Set(nodes)).toEqual(new Set(['sim-1', 'sim-2', 'sim-3']));
    // The scheduler's decision, then the (simulated) kubelet's, as kubectl describe shows them.
    await c.waitEvents('web-1', ['Scheduled', 'Pulled', 'Created', 'Started']);
    const described = await c.k('describe', 'pod', 'web-1');
    expect(described).toMatch(
      /Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default\/web-1 to sim-\d/,
    );
    expect(described).toMatch(/Normal\s+Started\s+.*kubelet\s+Started container c/);
    for (const i of [1, 2, 3]) await pods().delete(`web-${i}`);
  });

  it('leaves a pod too big for every node Pending, with the upstream message', async () => {
    await pods().create(bare('huge', requests({ memory: '100Gi' })));
    const msg =
      '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    await c.waitPod(
      'huge',
      (p) => p?.status?.conditions?.some((x: any) => x.type === 'PodScheduled' && x.message === msg),
      'marked unschedulable',
    );
    const cond = JSON.parse(
      await c.k('get', 'pod', 'huge', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")]}'),
    );
    expect(cond).toMatchObject({ status: 'False', reason: 'Unschedulable', message: msg });
    expect(await c.k('get', 'pod', 'huge', '-o', 'jsonpath={.status.phase}')).toBe('Pending');
    const described = await c.k('describe', 'pod', 'huge');
    expect(described).toContain('Warning  FailedScheduling');
    expect(described.replace(/\s+/g, ' ')).toContain(msg);
    await pods().delete('huge');
  });

  it('schedules a waiting pod as soon as a node that fits joins', async () => {
    await pods().create(
      bare('needs-gpu', { ...requests({ cpu: '100m' }), nodeSelector: { accelerator: 'gpu' } }),
    );
    await c.waitPod(
      'needs-gpu',
      (p) => p?.status?.conditions?.some((x: any) => x.reason === 'Unschedulable'),
      'unschedulable',
    );
    await c.k('label', 'node', 'sim-2', 'accelerator=gpu');
    const p = await c.waitPod('needs-gpu', bound, 'bound');
    expect(p?.spec?.nodeName).toBe('sim-2');
    await c.k('label', 'node', 'sim-2', 'accelerator-');
    await pods().delete('needs-gpu');
  });

  it('keeps new pods off a cordoned node', async () => {
    await c.k('cordon', 'sim-1');
    try {
      for (const i of [1, 2, 3, 4])
        await pods().create(bare(`c-${i}`, requests({ cpu: '100m' }), { app: 'c' }));
      await c.waitPods(
        (ps) => ps.filter((p) => p.metadata?.labels?.app === 'c' && bound(p)).length === 4,
        'four bound',
      );
      expect(
        c.pods
          .list()
          .filter((p) => p.metadata?.labels?.app === 'c')
          .map((p) => p.spec?.nodeName),
      ).not.toContain('sim-1');
    } finally {
      await c.k('uncordon', 'sim-1');
      for (const i of [1, 2, 3, 4]) await pods().delete(`c-${i}`);
    }
  });

  it('a higher-priority pod evicts lower-priority ones to make room', async () => {
    await c.k('create', 'priorityclass', 'low', '--value=10');
    await c.k('create', 'priorityclass', 'high', '--value=1000', '--description=may evict others');
    expect(await c.k('get', 'priorityclass', 'high', '-o', 'jsonpath={.value} {.preemptionPolicy}')).toBe(
      '1000 PreemptLowerPriority',
    );
    // Fill every node with low-priority pods (2 CPUs each).
    for (const n of [1, 2, 3])
      await pods().create(
        bare(`low-${n}`, { ...requests({ cpu: '1800m' }), priorityClassName: 'low' }, { tier: 'low' }),
      );
    await c.waitPods(
      (ps) =>
        ps.filter((p) => p.metadata?.labels?.tier === 'low' && p.status?.phase === 'Running').length === 3,
      'low pods running',
    );
    expect(c.pods.get('default/low-1')?.spec?.priority).toBe(10);
    await pods().create(bare('vip', { ...requests({ cpu: '1' }), priorityClassName: 'high' }));
    const vip = await c.waitPod(
      'vip',
      (p) => bound(p) && p?.status?.phase === 'Running',
      'running after preemption',
    );
    expect(vip?.spec?.priority).toBe(1000);
    const lows = c.pods.list().filter((p) => p.metadata?.labels?.tier === 'low');
    expect(lows.map((p) => p.spec?.nodeName)).not.toContain(vip?.spec?.nodeName);
    expect(lows).toHaveLength(2);
    const events = await c.k(
      'get',
      'events',
      '--field-selector',
      'reason=Preempted',
      '-o',
      'jsonpath={.items[*].message}',
    );
    expect(events).toMatch(
      new RegExp(`Preempted by pod ${vip?.metadata?.uid} on node ${vip?.spec?.nodeName}`),
    );
    for (const p of [...lows, vip!]) await pods().delete(p.metadata!.name!);
  });

  it('refuses a pod that names a PriorityClass that does not exist', async () => {
    const r = await c.kubectl(
      'run',
      'orphan',
      '--image=nginx',
      '--overrides={"spec":{"priorityClassName":"nope"}}',
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('pods "orphan" is forbidden: no PriorityClass with name nope was found');
  });

  it('a pod whose command exits completes', async () => {
    await pods().create(
      bare('once', {
        restartPolicy: 'Never',
        containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep 1; exit 0'] }],
      }),
    );
    const p = await c.waitPod('once', (x) => x?.status?.phase === 'Succeeded', 'Succeeded');
    expect(p?.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    await pods().delete('once');
  });

  it('finishes graceful deletions like a kubelet', async () => {
    await pods().create(bare('bye', requests({ cpu: '100m' })));
    await c.waitPod('bye', (p) => p?.status?.phase === 'Running', 'Running');
    await c.k('delete', 'pod', 'bye', '--wait=true', '--timeout=60s');
    await c.waitPod('bye', (p) => p === undefined, 'gone');
  });
});
