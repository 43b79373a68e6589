import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound, pollUntil, type KubeObject } from '../../api/client/index.ts';
import { GarbageCollector } from './garbage-collector.ts';
import { runControllers, startTestApi, type RunningControllers, type TestApi } from './testing/api.ts';

describe('garbage collector against a real API server', () => {
  let api: TestApi;
  let controllers: RunningControllers;
  beforeAll(async () => {
    api = await startTestApi();
    controllers = runControllers(api, (deps) => new GarbageCollector(deps));
  }, 60_000);
  afterAll(async () => {
    await controllers?.stop();
    await api?.close();
  });

  const cms = () => api.client.resource('v1', 'ConfigMap').namespace('default');
  const secrets = () => api.client.resource('v1', 'Secret').namespace('default');
  const ownerRef = (o: KubeObject, block = false) => ({
    apiVersion: 'v1',
    kind: o.kind!,
    name: o.metadata!.name!,
    uid: o.metadata!.uid!,
    ...(block ? { blockOwnerDeletion: true } : {}),
  });
  const makeCm = (
    name: string,
    owners: KubeObject[] = [],
    block = false,
    extra: Record<string, unknown> = {},
  ) => cms().create({ metadata: { name, ownerReferences: owners.map((o) => ownerRef(o, block)), ...extra } });
  const exists = async (name: string) => {
    try {
      return await cms().get(name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  const gone = (name: string) =>
    pollUntil(async () => !(await exists(name)), { timeoutMs: 30_000, description: `${name} to be deleted` });

  it('deletes dependents (of another type too) after their owner is deleted (Background)', async () => {
    const owner = await makeCm('bg-owner');
    await makeCm('bg-a', [owner]);
    const grandchild = await makeCm('bg-b', [(await exists('bg-a')) as KubeObject]);
    await secrets().create({ metadata: { name: 'bg-secret', ownerReferences: [ownerRef(owner)] } });
    await cms().delete('bg-owner', { propagationPolicy: 'Background' });
    await gone('bg-a');
    await gone(grandchild.metadata!.name!);
    await pollUntil(
      async () => (await secrets().list()).items.every((s) => s.metadata!.name !== 'bg-secret'),
      { timeoutMs: 30_000 },
    );
  }, 60_000);

  it('keeps the owner with foregroundDeletion until its blocking dependents are gone (Foreground)', async () => {
    const owner = await makeCm('fg-owner');
    // A finalizer holds the dependent, so the owner must wait visibly.
    await makeCm('fg-dep', [owner], true, { finalizers: ['example.com/hold'] });
    await cms().delete('fg-owner', { propagationPolicy: 'Foreground' });
    const waiting = await exists('fg-owner');
    expect(waiting?.metadata?.finalizers).toContain('foregroundDeletion');
    await pollUntil(async () => (await exists('fg-dep'))?.metadata?.deletionTimestamp, {
      timeoutMs: 30_000,
      description: 'the dependent to be deleted',
    });
    expect(await exists('fg-owner')).toBeDefined();
    await cms().patch('fg-dep', 'merge', { metadata: { finalizers: null } });
    await gone('fg-dep');
    await gone('fg-owner');
  }, 60_000);

  it('releases dependents and then lets the owner go (Orphan)', async () => {
    const owner = await makeCm('or-owner');
    const other = await makeCm('or-other');
    await makeCm('or-dep', [owner, other]);
    await cms().delete('or-owner', { propagationPolicy: 'Orphan' });
    await gone('or-owner');
    const dep = await exists('or-dep');
    expect(dep?.metadata?.ownerReferences?.map((r) => r.name)).toEqual(['or-other']);
  }, 60_000);

  it('collects an object whose only owner never existed (dangling reference)', async () => {
    await makeCm('dangling', [
      { kind: 'ConfigMap', metadata: { name: 'ghost', uid: '00000000-0000-0000-0000-000000000001' } },
    ]);
    await gone('dangling');
  }, 60_000);

  it('keeps an object that still has a live owner, dropping only the reference to the gone one', async () => {
    const a = await makeCm('two-a');
    const b = await makeCm('two-b');
    await makeCm('two-dep', [a, b]);
    await cms().delete('two-a');
    await pollUntil(async () => (await exists('two-dep'))?.metadata?.ownerReferences?.length === 1, {
      timeoutMs: 30_000,
      description: 'the reference to two-a to be removed',
    });
    expect((await exists('two-dep'))?.metadata?.ownerReferences?.[0]?.uid).toBe(b.metadata!.uid);
  }, 60_000);
});
