import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil, type KubeObject } from '../../api/client/index.ts';
import { MemoryEventRecorder } from '../../api/client/event-recorder.ts';
import { microTime } from './leader-election.ts';
import { desiredTaints, NodeLifecycleController, reconcileTaints } from './node-lifecycle.ts';
import { evictionTime, TaintEvictionController } from './taint-eviction.ts';
import { startTestApi, stopController, type TestApi } from './testing/api.ts';

const node = (ready: string | undefined, extra: Record<string, unknown> = {}) => ({
  metadata: { name: 'n' },
  spec: extra,
  status: { conditions: ready ? [{ type: 'Ready', status: ready }] : [] },
});

describe('desiredTaints and reconcileTaints', () => {
  it('taints by Ready status, unschedulable and pressure conditions', () => {
    expect(desiredTaints(node('True') as never)).toEqual([]);
    expect(desiredTaints(node('False') as never)).toEqual([
      { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' },
    ]);
    expect(
      desiredTaints(node('Unknown', { unschedulable: true }) as never).map((t) => `${t.key}:${t.effect}`),
    ).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule',
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    const pressured = { ...node('True'), status: { conditions: [{ type: 'DiskPressure', status: 'True' }] } };
    expect(desiredTaints(pressured as never)).toEqual([
      { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' },
    ]);
  });

  it('keeps other taints and timeAdded of ones already there; undefined when nothing changes', () => {
    const mine = { key: 'example.com/dedicated', value: 'gpu', effect: 'NoSchedule' as const };
    const unreachable = {
      key: 'node.kubernetes.io/unreachable',
      effect: 'NoExecute' as const,
      timeAdded: 't0',
    };
    const next = reconcileTaints(
      [mine, unreachable],
      [
        { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
      ],
      't1',
    );
    expect(next).toEqual([
      mine,
      unreachable,
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
    ]);
    expect(reconcileTaints(next!, desiredTaints(node('Unknown') as never), 't2')).toBeUndefined();
    expect(reconcileTaints(next!, [], 't3')).toEqual([mine]);
  });
});

describe('evictionTime', () => {
  const taint = {
    key: 'node.kubernetes.io/unreachable',
    effect: 'NoExecute' as const,
    timeAdded: '2026-01-01T00:00:00Z',
  };
  const t0 = Date.parse(taint.timeAdded);
  it('is now for an untolerated taint, after the shortest tolerationSeconds otherwise', () => {
    expect(evictionTime([], [taint], t0)).toBe(0);
    expect(
      evictionTime(
        [
          { key: taint.key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          { operator: 'Exists', tolerationSeconds: 60 },
        ],
        [taint],
        t0,
      ),
    ).toBe(t0 + 60_000);
  });
  it('is never for taints tolerated forever or for no NoExecute taints', () => {
    expect(evictionTime([{ operator: 'Exists' }], [taint], t0)).toBeUndefined();
    expect(evictionTime([], [{ key: 'x', effect: 'NoSchedule' }], t0)).toBeUndefined();
  });
});

describe('node lifecycle and taint eviction against a real API server', () => {
  let api: TestApi;
  const ac = stopController();
  let runs: Promise<void>[];
  const recorder = new MemoryEventRecorder();
  let beating = true;
  let heartbeat: Promise<void>;

  const nodes = () => api.client.resource('v1', 'Node');
  const leases = () => api.client.resource('coordination.k8s.io/v1', 'Lease').namespace('kube-node-lease');
  const pods = () => api.client.resource('v1', 'Pod').namespace('default');
  const readyOf = (n: KubeObject) => n.status?.conditions?.find((c: KubeObject) => c.type === 'Ready');

  beforeAll(async () => {
    api = await startTestApi();
    const created = await nodes().create({ metadata: { name: 'worker' } });
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await nodes().updateStatus({
      ...created,
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            lastHeartbeatTime: now,
            lastTransitionTime: now,
          },
        ],
      },
    });
    await leases().create({
      metadata: { name: 'worker' },
      spec: { holderIdentity: 'worker', renewTime: microTime(Date.now()) },
    });
    // The node's heartbeat: renew its lease until told to stop.
    heartbeat = (async () => {
      while (!ac.signal.aborted) {
        if (beating) {
          const l = await leases().get('worker');
          await leases()
            .update({ ...l, spec: { ...l.spec, renewTime: microTime(Date.now()) } })
            .catch(() => {});
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const informers = api.informers();
    const config = { client: api.client, informers, recorder };
    const lifecycle = new NodeLifecycleController({ ...config, nodeMonitorGracePeriodMs: 4_000 });
    const eviction = new TaintEvictionController(config);
    informers.start(ac.signal);
    runs = [lifecycle.start(ac.signal), eviction.start(ac.signal)];
  }, 60_000);
  afterAll(async () => {
    ac.abort();
    await Promise.all([...runs, heartbeat]);
    await api?.close();
  });

  it('keeps a node with a renewed lease Ready and untainted', async () => {
    // Well past the grace period, the heartbeat keeps it alive.
    await new Promise((r) => setTimeout(r, 5_000));
    const n = await nodes().get('worker');
    expect(readyOf(n).status).toBe('True');
    expect(n.spec?.taints ?? []).toEqual([]);
  });

  it('marks a silent node Unknown, taints it, marks its pods not ready and evicts them after their toleration', async () => {
    const podSpec = (name: string, seconds?: number) => ({
      metadata: { name },
      spec: {
        nodeName: 'worker',
        containers: [{ name: 'c', image: 'busybox' }],
        tolerations: [
          {
            key: 'node.kubernetes.io/unreachable',
            operator: 'Exists',
            effect: 'NoExecute',
            ...(seconds === undefined ? {} : { tolerationSeconds: seconds }),
          },
        ],
      },
    });
    for (const [name, seconds] of [
      ['short', 1],
      ['forever', undefined],
    ] as const) {
      const p = await pods().create(podSpec(name, seconds));
      await pods().updateStatus({
        ...p,
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      });
    }
    beating = false;
    const dead = await pollUntil(
      async () => {
        const n = await nodes().get('worker');
        return readyOf(n).status === 'Unknown' ? n : undefined;
      },
      { timeoutMs: 60_000, description: 'Ready=Unknown' },
    );
    expect(readyOf(dead)).toMatchObject({
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
    const tainted = await pollUntil(
      async () => {
        const n = await nodes().get('worker');
        return (n.spec?.taints ?? []).length === 2 ? n : undefined;
      },
      { timeoutMs: 30_000, description: 'unreachable taints' },
    );
    expect(tainted.spec!.taints.map((t: KubeObject) => `${t.key}:${t.effect}`).sort()).toEqual([
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/unreachable:NoSchedule',
    ]);
    // The pod tolerating the taint for 1 s is deleted; the one tolerating it forever stays, not ready.
    await pollUntil(async () => (await pods().get('short')).metadata?.deletionTimestamp, {
      timeoutMs: 30_000,
      description: 'the short-tolerating pod to be deleted',
    });
    const forever = await pollUntil(
      async () => {
        const p = await pods().get('forever');
        return readyOf(p)?.status === 'False' ? p : undefined;
      },
      { timeoutMs: 30_000, description: 'the pod to be marked not ready' },
    );
    expect(forever.metadata?.deletionTimestamp).toBeUndefined();
    expect(recorder.lines()).toContain('TaintManagerEviction Marking for deletion Pod default/short');
    expect(recorder.lines()).toContain('NodeNotReady Node worker status is now: NodeNotReady');
  }, 90_000);

  it('removes the taints when the node reports Ready again', async () => {
    beating = true;
    const n = await nodes().get('worker');
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await nodes().updateStatus({
      ...n,
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            lastHeartbeatTime: now,
            lastTransitionTime: now,
          },
        ],
      },
    });
    await pollUntil(async () => ((await nodes().get('worker')).spec?.taints ?? []).length === 0, {
      timeoutMs: 30_000,
      description: 'taints to go',
    });
  }, 60_000);
});
