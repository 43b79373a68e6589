import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCluster, type TestCluster } from './harness.ts';
import { deployment } from './manifests.ts';

// Self-healing across a dead node: the node lifecycle controller sees a simulated node go silent,
// taints it, the taint eviction controller removes its pods, and the ReplicaSet replaces them on
// the nodes that are left.
describe('a silent node gets its pods recreated elsewhere', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await startTestCluster({
      controllers: ['replicaset', 'deployment', 'nodelifecycle', 'taint-eviction'],
      nodes: 3,
      settings: { nodelifecycle: { nodeMonitorGracePeriodMs: 3000 } },
    });
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  });

  it('moves the pods of a failed node to the others', async () => {
    const manifest = JSON.parse(deployment('heal', 3));
    // Short tolerations (instead of the usual 300 s) so eviction follows the taint quickly.
    manifest.spec.template.spec.tolerations = ['unreachable', 'not-ready'].map((t) => ({
      key: `node.kubernetes.io/${t}`,
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: 1,
    }));
    await c.apply(JSON.stringify(manifest));
    await c.k('rollout', 'status', 'deployment/heal', '--timeout=90s');
    const pods = (await c.getJson('pods', '-l', 'app=heal')).items;
    const victim = pods[0].spec.nodeName as string;

    c.nodes.fail(victim);
    const healthy = await eventually(
      async () => {
        const now = (await c.getJson('pods', '-l', 'app=heal')).items.filter(
          (p: any) => !p.metadata.deletionTimestamp && p.status.phase === 'Running',
        );
        return now.length === 3 && now.every((p: any) => p.spec.nodeName !== victim) && now;
      },
      `three running pods off ${victim}`,
      120_000,
    );
    expect(new Set(healthy.map((p: any) => p.spec.nodeName)).size).toBe(2);
    const node = await c.getJson('node', victim);
    expect(node.spec.taints.map((t: any) => t.key)).toContain('node.kubernetes.io/unreachable');
    await eventually(
      async () => (await c.getJson('deployment', 'heal')).status.availableReplicas === 3,
      'available 3',
    );
  }, 180_000);
});
