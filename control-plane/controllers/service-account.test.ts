import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../api/client/index.ts';
import { ServiceAccountController } from './service-account.ts';
import { runControllers, startTestApi, type RunningControllers, type TestApi } from './testing/api.ts';

describe('ServiceAccount controller against a real API server', () => {
  let api: TestApi;
  let controllers: RunningControllers;
  beforeAll(async () => {
    api = await startTestApi();
    controllers = runControllers(api, (deps) => new ServiceAccountController(deps));
  }, 60_000);
  afterAll(async () => {
    await controllers?.stop();
    await api?.close();
  });

  const sa = (ns: string) =>
    api.client
      .resource('v1', 'ServiceAccount')
      .namespace(ns)
      .get('default')
      .catch(() => undefined);

  it('gives existing and new namespaces a default ServiceAccount', async () => {
    await pollUntil(() => sa('kube-system'), { timeoutMs: 30_000, description: 'kube-system/default' });
    await api.client.resource('v1', 'Namespace').create({ metadata: { name: 'team-a' } });
    const created = await pollUntil(() => sa('team-a'), { timeoutMs: 30_000, description: 'team-a/default' });
    expect(created.metadata?.namespace).toBe('team-a');
  });

  it('recreates the default ServiceAccount when it is deleted', async () => {
    const first = await pollUntil(() => sa('default'), { timeoutMs: 30_000 });
    await api.client.resource('v1', 'ServiceAccount').namespace('default').delete('default');
    const again = await pollUntil(
      async () => {
        const s = await sa('default');
        return s && s.metadata?.uid !== first.metadata?.uid ? s : undefined;
      },
      { timeoutMs: 30_000, description: 'a new default ServiceAccount' },
    );
    expect(again.metadata?.name).toBe('default');
  });
});
