import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../api/client/index.ts';
import { NodeIpamController } from './node-ipam.ts';
import { runControllers, startTestApi, type RunningControllers, type TestApi } from './testing/api.ts';

describe('node IPAM controller against a real API server', () => {
  let api: TestApi;
  let controllers: RunningControllers;
  const nodes = () => api.client.resource('v1', 'Node');
  const cidrOf = async (name: string) => (await nodes().get(name)).spec?.podCIDR as string | undefined;

  beforeAll(async () => {
    api = await startTestApi();
    // A node that already has a subnet before the controller starts keeps it.
    await nodes().create({
      metadata: { name: 'old' },
      spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
    });
    // Four /24s only, so reuse after deletion shows quickly.
    controllers = runControllers(
      api,
      (deps) =>
        new NodeIpamController({
          ...deps,
          clusterCIDR: '10.244.0.0/22',
        }),
    );
  }, 60_000);
  afterAll(async () => {
    await controllers?.stop();
    await api?.close();
  });

  it('gives each new node its own /24 of the cluster CIDR, never one in use', async () => {
    await nodes().create({ metadata: { name: 'a' } });
    await nodes().create({ metadata: { name: 'b' } });
    const a = await pollUntil(() => cidrOf('a'), { timeoutMs: 30_000, description: 'a podCIDR' });
    const b = await pollUntil(() => cidrOf('b'), { timeoutMs: 30_000, description: 'b podCIDR' });
    expect(new Set([a, b, '10.244.0.0/24']).size).toBe(3);
    for (const cidr of [a, b]) expect(cidr).toMatch(/^10\.244\.\d+\.0\/24$/);
    expect((await nodes().get('a')).spec?.podCIDRs).toEqual([a]);
    expect(await cidrOf('old')).toBe('10.244.0.0/24');
  });

  it('returns a deleted node’s subnet to the pool', async () => {
    const freed = await pollUntil(() => cidrOf('a'), { timeoutMs: 30_000 });
    await nodes().delete('a');
    await nodes().create({ metadata: { name: 'c' } });
    const c = await pollUntil(() => cidrOf('c'), { timeoutMs: 30_000, description: 'c podCIDR' });
    expect(c).not.toBe(freed);
    await nodes().create({ metadata: { name: 'd' } });
    expect(await pollUntil(() => cidrOf('d'), { timeoutMs: 30_000, description: 'd podCIDR' })).toBe(freed);
  });
});
