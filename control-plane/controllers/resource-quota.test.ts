import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../api/client/index.ts';
import { ResourceQuotaController } from './resource-quota.ts';
import { runControllers, startTestApi, type RunningControllers, type TestApi } from './testing/api.ts';

describe('ResourceQuota controller against a real API server (with quota admission)', () => {
  let api: TestApi;
  let controllers: RunningControllers;
  beforeAll(async () => {
    api = await startTestApi();
    controllers = runControllers(api, (deps) => new ResourceQuotaController(deps));
  }, 60_000);
  afterAll(async () => {
    await controllers?.stop();
    await api?.close();
  });

  const quotas = () => api.client.resource('v1', 'ResourceQuota').namespace('default');
  const pods = () => api.client.resource('v1', 'Pod').namespace('default');
  const pod = (name: string, cpu = '100m') => ({
    metadata: { name },
    spec: {
      containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu }, limits: { cpu } } }],
    },
  });
  const usedOf = async (name: string) => (await quotas().get(name)).status?.used;

  it('reports hard and used for a new quota, counting what already exists', async () => {
    await pods().create(pod('before'));
    await api.client
      .resource('v1', 'ConfigMap')
      .namespace('default')
      .create({ metadata: { name: 'cm' } });
    await quotas().create({
      metadata: { name: 'q' },
      spec: { hard: { pods: '3', 'requests.cpu': '1', 'count/configmaps': '10' } },
    });
    const used = await pollUntil(() => usedOf('q'), { timeoutMs: 30_000, description: 'status.used' });
    expect(used).toEqual({ 'count/configmaps': '1', pods: '1', 'requests.cpu': '100m' });
    expect((await quotas().get('q')).status?.hard).toEqual({
      'count/configmaps': '10',
      pods: '3',
      'requests.cpu': '1',
    });
  });

  it('gives usage back when objects are deleted or pods finish, so new ones fit again', async () => {
    await pods().create(pod('second', '400m'));
    await pods().create(pod('third', '400m'));
    expect((await usedOf('q'))?.pods).toBe('3');
    await expect(pods().create(pod('fourth'))).rejects.toThrow(
      /exceeded quota: q, requested: pods=1, used: pods=3, limited: pods=3/,
    );
    await pods().delete('second');
    await pollUntil(async () => (await usedOf('q'))?.pods === '2', {
      timeoutMs: 30_000,
      description: 'pods=2',
    });
    expect((await usedOf('q'))?.['requests.cpu']).toBe('500m');
    // A finished pod holds nothing.
    const third = await pods().get('third');
    await pods().updateStatus({ ...third, status: { ...third.status, phase: 'Succeeded' } });
    await pollUntil(async () => (await usedOf('q'))?.pods === '1', {
      timeoutMs: 30_000,
      description: 'pods=1',
    });
    await pods().create(pod('fits'));
  });

  it('recounts when the quota’s limits change', async () => {
    await quotas().patch('q', 'merge', {
      spec: { hard: { 'requests.cpu': null, 'count/configmaps': null, secrets: '5' } },
    });
    const used = await pollUntil(
      async () => {
        const u = await usedOf('q');
        return u && 'secrets' in u ? u : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(used).toEqual({ pods: '2', secrets: '0' });
  });
});
