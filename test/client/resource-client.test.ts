// The typed client's verbs against a real `flotilla serve` over HTTPS with the admin kubeconfig:
// what the scheduler and controllers rely on (CRUD, every patch type, server-side apply, status,
// scale and binding subresources, paging, deleteCollection, errors as ApiError).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, isAlreadyExists, isConflict, isInvalid, isNotFound } from '../../api/client/api-error.ts';
import { Client } from '../../api/client/client.ts';
import { nodeTransportFromKubeconfig } from '../../api/client/transport-node.ts';
import type { KubeObject } from '../../api/client/types.ts';
import { freePort, serveCommandRegistered, startServe, type ServeProcess } from './serve-process.ts';

describe.skipIf(!serveCommandRegistered())('typed client against flotilla serve', () => {
  let dataDir: string;
  let server: ServeProcess;
  let client: Client;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'flotilla-client-rc-'));
    server = await startServe({ dataDir, port: await freePort() });
    client = new Client(nodeTransportFromKubeconfig({ kubeconfig: server.kubeconfig }));
  }, 180_000);

  afterAll(async () => {
    client?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const pod = (name: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'rc-test' } },
    // No scheduler serves this name: flotilla serve's own would otherwise write status (Unschedulable) meanwhile.
    spec: { schedulerName: 'rc-test-unscheduled', containers: [{ name: 'c', image: 'busybox' }] },
  });

  it('creates, reads, updates and deletes, with Status errors as ApiError', async () => {
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    const a = await cms.create({ metadata: { name: 'crud' }, data: { k: '1' } });
    expect(a.metadata?.uid).toBeTruthy();
    expect((await cms.get('crud')).data).toEqual({ k: '1' });
    const b = await cms.update({ ...a, data: { k: '2' } });
    expect(Number(b.metadata?.resourceVersion)).toBeGreaterThan(Number(a.metadata?.resourceVersion));

    const dup = await cms.create({ metadata: { name: 'crud' } }).catch((e) => e);
    expect(dup).toBeInstanceOf(ApiError);
    expect(isAlreadyExists(dup)).toBe(true);
    expect(dup.message).toBe('configmaps "crud" already exists');
    await expect(cms.update({ ...a, data: { k: 'stale' } })).rejects.toSatisfy(isConflict);
    await expect(cms.create({ metadata: { name: 'Bad_Name' } })).rejects.toSatisfy(isInvalid);

    await cms.delete('crud');
    await expect(cms.get('crud')).rejects.toSatisfy(isNotFound);
  });

  it('patches with merge, JSON and strategic patches', async () => {
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    await cms.create({ metadata: { name: 'patch' }, data: { a: '1' } });
    expect((await cms.patch('patch', 'merge', { data: { b: '2' } })).data).toEqual({ a: '1', b: '2' });
    expect((await cms.patch('patch', 'json', [{ op: 'remove', path: '/data/a' }])).data).toEqual({ b: '2' });
    expect(
      (await cms.patch('patch', 'strategic', { metadata: { labels: { x: 'y' } } })).metadata?.labels,
    ).toEqual({ x: 'y' });
  });

  it('applies server-side with a field manager', async (ctx) => {
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data: { owner: 'me' } };
    const applied = await cms.apply(obj, { fieldManager: 'client-test' }).catch((err) => {
      // Server-side apply is still being built in control-plane/apiserver/registry/patch.ts;
      // skip (visibly) until it answers anything but "not supported yet".
      if (err instanceof ApiError && err.code === 415 && /not supported yet/.test(err.message)) ctx.skip();
      throw err;
    });
    expect(applied.data).toEqual({ owner: 'me' });
    const managers = (applied.metadata?.managedFields as { manager: string }[] | undefined)?.map(
      (m) => m.manager,
    );
    expect(managers).toContain('client-test');
  });

  it('writes status through the status subresource only', async () => {
    const pods = client.resource('v1', 'Pod').namespace('default');
    const p = await pods.create(pod('status'));
    const updated = await pods.updateStatus({
      ...p,
      status: { phase: 'Running' },
      spec: { ...p.spec, activeDeadlineSeconds: 5 },
    });
    expect(updated.status?.phase).toBe('Running');
    expect(updated.spec.activeDeadlineSeconds).toBeUndefined();
  });

  it('binds a pod to a node, as the scheduler does', async () => {
    const pods = client.resource('v1', 'Pod').namespace('default');
    await pods.create(pod('bind-me'));
    await pods.bind('bind-me', 'node-1');
    expect((await pods.get('bind-me')).spec.nodeName).toBe('node-1');
  });

  it('reads and changes a deployment through its scale subresource', async () => {
    const deploys = client.resource('apps/v1', 'Deployment').namespace('default');
    await deploys.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'c', image: 'busybox' }] },
        },
      },
    });
    expect((await deploys.getScale('web')).spec.replicas).toBe(1);
    await deploys.scale('web', 3);
    expect((await deploys.get('web')).spec.replicas).toBe(3);
  });

  it('pages through a list and deletes a labelled collection', async () => {
    const cms = client.resource('v1', 'ConfigMap').namespace('paging');
    await client.resource('v1', 'Namespace').create({ metadata: { name: 'paging' } });
    for (let i = 0; i < 7; i++) await cms.create({ metadata: { name: `c${i}`, labels: { batch: 'x' } } });
    const all = await cms.listAll({ pageSize: 3, labelSelector: 'batch=x' });
    expect(all.items.map((o) => o.metadata?.name)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(all.metadata.resourceVersion).toBeTruthy();
    await cms.deleteCollection({ labelSelector: 'batch=x' });
    // Only the labelled ones: every namespace also gets kube-root-ca.crt, as upstream's do.
    expect((await cms.list({ labelSelector: 'batch=x' })).items).toEqual([]);
  });
});
