import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound, pollUntil } from '../../api/client/index.ts';
import { deletionConditions, NamespaceController } from './namespace.ts';
import { runControllers, startTestApi, type RunningControllers, type TestApi } from './testing/api.ts';

describe('deletionConditions', () => {
  it('words remaining content and finalizers like upstream, sorted', () => {
    const conds = deletionConditions(
      {
        remaining: new Map([
          ['pods.', 2],
          ['configmaps.', 1],
        ]),
        finalizers: new Map([['example.com/hold', 1]]),
        failures: [],
      },
      '2026-01-01T00:00:00Z',
    );
    const byType = Object.fromEntries(conds.map((c) => [c.type, c]));
    expect(byType.NamespaceContentRemaining).toMatchObject({
      status: 'True',
      reason: 'SomeResourcesRemain',
      message:
        'Some resources are remaining: configmaps. has 1 resource instances, pods. has 2 resource instances',
    });
    expect(byType.NamespaceFinalizersRemaining).toMatchObject({
      status: 'True',
      reason: 'SomeFinalizersRemain',
      message:
        'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    });
    expect(byType.NamespaceDeletionContentFailure).toMatchObject({
      status: 'False',
      reason: 'ContentDeleted',
    });
    expect(conds.map((c) => c.type)).toEqual([
      'NamespaceDeletionDiscoveryFailure',
      'NamespaceDeletionGroupVersionParsingFailure',
      'NamespaceDeletionContentFailure',
      'NamespaceContentRemaining',
      'NamespaceFinalizersRemaining',
    ]);
  });
});

describe('namespace controller against a real API server', () => {
  let api: TestApi;
  let controllers: RunningControllers;
  beforeAll(async () => {
    api = await startTestApi();
    controllers = runControllers(
      api,
      (deps) =>
        new NamespaceController({
          ...deps,
          requeueMs: 60_000,
        }),
    );
  }, 60_000);
  afterAll(async () => {
    await controllers?.stop();
    await api?.close();
  });

  const namespaces = () => api.client.resource('v1', 'Namespace');
  const getNs = async (name: string) => {
    try {
      return await namespaces().get(name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };

  it('empties a terminating namespace, waits for finalizers, then lets it go', async () => {
    await namespaces().create({ metadata: { name: 'doomed' } });
    const cms = api.client.resource('v1', 'ConfigMap').namespace('doomed');
    await cms.create({ metadata: { name: 'plain' } });
    await cms.create({ metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await api.client
      .resource('v1', 'Pod')
      .namespace('doomed')
      .create({
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      });
    await namespaces().delete('doomed');

    const waiting = await pollUntil(
      async () => {
        const ns = await getNs('doomed');
        const c = ns?.status?.conditions?.find((x: any) => x.type === 'NamespaceFinalizersRemaining');
        return c?.status === 'True' ? ns : undefined;
      },
      { timeoutMs: 30_000, description: 'the finalizer condition' },
    );
    expect(waiting.status.phase).toBe('Terminating');
    const conds = Object.fromEntries(waiting.status.conditions.map((c: any) => [c.type, c.message]));
    expect(conds.NamespaceContentRemaining).toBe(
      'Some resources are remaining: configmaps. has 1 resource instances',
    );
    expect(conds.NamespaceFinalizersRemaining).toBe(
      'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
    );
    expect((await cms.list()).items.map((c) => c.metadata!.name)).toEqual(['held']);

    await cms.patch('held', 'merge', { metadata: { finalizers: null } });
    await pollUntil(async () => !(await getNs('doomed')), {
      timeoutMs: 30_000,
      description: 'the namespace to go',
    });
  }, 60_000);

  it('leaves namespaces that are not being deleted alone', async () => {
    await namespaces().create({ metadata: { name: 'alive' } });
    await api.client
      .resource('v1', 'ConfigMap')
      .namespace('alive')
      .create({ metadata: { name: 'keep' } });
    // Deleting another namespace makes the controller run; `alive` must keep its content.
    await namespaces().create({ metadata: { name: 'other' } });
    await namespaces().delete('other');
    await pollUntil(async () => !(await getNs('other')), { timeoutMs: 30_000 });
    expect((await api.client.resource('v1', 'ConfigMap').namespace('alive').list()).items).toHaveLength(1);
    expect((await getNs('alive'))?.spec?.finalizers).toEqual(['kubernetes']);
  }, 60_000);
});
