// ResourceQuota and LimitRange as a user sees them: the create that would exceed a quota is
// refused with upstream's message, `kubectl describe quota` shows what is used, deleting frees
// room; LimitRange defaults appear on pods and out-of-range pods are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfraCluster, until, type InfraCluster } from './infra-cluster.ts';

describe('resource quotas and limit ranges with kubectl', () => {
  let c: InfraCluster;
  beforeAll(async () => {
    c = await startInfraCluster({ nodes: 2 });
    await c.k('create', 'namespace', 'limited');
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  });

  it('refuses the pod over the quota with upstream’s message and frees room on delete', async () => {
    await c.k('create', 'quota', 'q', '-n', 'limited', '--hard=pods=2,count/configmaps=3');
    await until(async () => (await c.json('quota', 'q', '-n', 'limited')).status?.used, 'quota status');
    await c.k('run', 'one', '-n', 'limited', '--image=nginx');
    await c.k('run', 'two', '-n', 'limited', '--image=nginx');
    const refused = await c.kubectl(['run', 'three', '-n', 'limited', '--image=nginx']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'Error from server (Forbidden): pods "three" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2',
    );
    const described = await c.k('describe', 'quota', 'q', '-n', 'limited');
    expect(described).toMatch(/pods\s+2\s+2/);
    await c.k('delete', 'pod', 'one', '-n', 'limited', '--wait=true');
    await until(
      async () => (await c.json('quota', 'q', '-n', 'limited')).status.used.pods === '1',
      'pods used back to 1',
    );
    await c.k('run', 'three', '-n', 'limited', '--image=nginx');
  }, 120_000);

  it('applies LimitRange defaults and refuses containers outside its bounds', async () => {
    await c.k('create', 'namespace', 'ranged');
    await c.apply({
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'limits', namespace: 'ranged' },
      spec: {
        limits: [
          {
            type: 'Container',
            default: { cpu: '500m', memory: '256Mi' },
            defaultRequest: { cpu: '100m', memory: '128Mi' },
            max: { cpu: '1' },
          },
        ],
      },
    });
    await c.k('run', 'small', '-n', 'ranged', '--image=nginx');
    const pod = await c.json('pod', 'small', '-n', 'ranged');
    expect(pod.spec.containers[0].resources).toEqual({
      limits: { cpu: '500m', memory: '256Mi' },
      requests: { cpu: '100m', memory: '128Mi' },
    });
    expect(pod.metadata.annotations['kubernetes.io/limit-ranger']).toBe(
      'LimitRanger plugin set: cpu, memory request for container small; cpu, memory limit for container small',
    );
    const big = await c.kubectl([
      'run',
      'big',
      '-n',
      'ranged',
      '--image=nginx',
      '--overrides={"spec":{"containers":[{"name":"big","image":"nginx","resources":{"limits":{"cpu":"2"}}}]}}',
    ]);
    expect(big.stderr).toContain(
      'pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2',
    );
  }, 120_000);
});
