import { describe, expect, it } from 'vitest';
import { ApiError, isAlreadyExists, isConflict, isNotFound } from './api-error.ts';
import { Client } from './client.ts';
import { FakeApiServer } from './fake-apiserver.ts';
import { inProcessTransport } from './transport-in-process.ts';
import type { KubeObject } from './types.ts';

const setup = () => {
  const server = new FakeApiServer();
  const client = new Client(inProcessTransport(server));
  return { server, client, last: () => server.log[server.log.length - 1]! };
};

const cm = (
  name: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data,
});

describe('ResourceClient', () => {
  it('builds the REST paths for namespaced, cluster-scoped and grouped resources', () => {
    const { client } = setup();
    expect(client.resource('v1', 'Pod').path()).toBe('/api/v1/pods');
    expect(client.resource('v1', 'Pod').namespace('kube-system').path('dns', 'status')).toBe(
      '/api/v1/namespaces/kube-system/pods/dns/status',
    );
    expect(client.resource('v1', 'Node').path('node-1')).toBe('/api/v1/nodes/node-1');
    expect(client.resource('apps/v1', 'Deployment').namespace('default').path('web', 'scale')).toBe(
      '/apis/apps/v1/namespaces/default/deployments/web/scale',
    );
    expect(client.resourceByPlural('apps', 'v1', 'deployments').ref.kind).toBe('Deployment');
    expect(() => client.resource('v1', 'Pod').path('web')).toThrow(/namespaced/);
    expect(() => client.resource('v1', 'Node').namespace('x')).toThrow(/cluster-scoped/);
    expect(() => client.resource('v1', 'Nope')).toThrow(/no resource serves kind "Nope"/);
  });

  it('creates, gets, updates, patches and deletes, in the object namespace when not scoped', async () => {
    const { client, last } = setup();
    const cms = client.resource('v1', 'ConfigMap');
    const created = await cms.create({ ...cm('a', { k: '1' }), metadata: { name: 'a', namespace: 'ns1' } });
    expect(last().path).toBe('/api/v1/namespaces/ns1/configmaps');
    expect(created.metadata?.resourceVersion).toBeTruthy();

    const scoped = cms.namespace('ns1');
    expect((await scoped.get('a')).data).toEqual({ k: '1' });

    const updated = await scoped.update({ ...created, data: { k: '2' } });
    expect(updated.data).toEqual({ k: '2' });
    expect(last()).toMatchObject({ method: 'PUT', path: '/api/v1/namespaces/ns1/configmaps/a' });

    const patched = await scoped.patch(
      'a',
      'merge',
      { data: { extra: 'x' } },
      { fieldManager: 'me', dryRun: true },
    );
    expect(patched.data).toEqual({ k: '2', extra: 'x' });
    expect(last().headers['content-type']).toBe('application/merge-patch+json');
    expect(last().query).toMatchObject({ fieldManager: 'me', dryRun: 'All' });

    await scoped.delete('a', { propagationPolicy: 'Foreground', gracePeriodSeconds: 0 });
    expect(last().body).toEqual({
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy: 'Foreground',
      gracePeriodSeconds: 0,
    });
    await expect(scoped.get('a')).rejects.toSatisfy(isNotFound);
  });

  it('surfaces API failures as ApiError with the Status', async () => {
    const { client } = setup();
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    const a = await cms.create(cm('a'));
    await expect(cms.create(cm('a'))).rejects.toSatisfy(isAlreadyExists);
    await cms.update({ ...a, data: { v: '1' } });
    const stale = cms.update({ ...a, data: { v: 'stale' } });
    await expect(stale).rejects.toBeInstanceOf(ApiError);
    await expect(stale).rejects.toSatisfy(isConflict);
    await expect(stale).rejects.toMatchObject({ status: { code: 409, reason: 'Conflict' } });
  });

  it('sends server-side apply as apply-patch with the field manager and force', async () => {
    const { client, last } = setup();
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    await cms.create(cm('a', { k: '1' }));
    const applied = await cms.apply(cm('a', { k: '3' }), { fieldManager: 'flotilla', force: true });
    expect(applied.data).toEqual({ k: '3' });
    expect(last()).toMatchObject({
      method: 'PATCH',
      path: '/api/v1/namespaces/default/configmaps/a',
      query: { fieldManager: 'flotilla', force: 'true' },
      headers: { 'content-type': 'application/apply-patch+yaml' },
    });
    expect(() => cms.patch('a', 'apply', {}, {})).toThrow(/fieldManager/);
  });

  it('addresses subresources: status, scale, binding, eviction', async () => {
    const { client, last } = setup();
    const pods = client.resource('v1', 'Pod').namespace('default');
    const pod = await pods.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [] },
    });
    await pods.updateStatus({ ...pod, status: { phase: 'Running' } });
    expect(last()).toMatchObject({ method: 'PUT', path: '/api/v1/namespaces/default/pods/p/status' });
    await pods.bind('p', 'node-1');
    expect(last()).toMatchObject({ method: 'POST', path: '/api/v1/namespaces/default/pods/p/binding' });
    expect(last().body).toMatchObject({ kind: 'Binding', target: { kind: 'Node', name: 'node-1' } });
    await pods.evict('p', { deleteOptions: { gracePeriodSeconds: 5 } });
    expect(last()).toMatchObject({ method: 'POST', path: '/api/v1/namespaces/default/pods/p/eviction' });
    expect(last().body).toMatchObject({
      kind: 'Eviction',
      apiVersion: 'policy/v1',
      deleteOptions: { gracePeriodSeconds: 5 },
    });

    const deploys = client.resource('apps/v1', 'Deployment').namespace('default');
    await deploys.create({ metadata: { name: 'web' }, spec: { replicas: 1 } });
    await deploys.scale('web', 3);
    expect(last()).toMatchObject({
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/default/deployments/web/scale',
    });
  });

  it('lists with selectors, and listAll pages through continue tokens', async () => {
    const { client, server } = setup();
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    for (let i = 0; i < 7; i++) await cms.create(cm(`c${i}`, {}, { parity: i % 2 ? 'odd' : 'even' }));
    await client.resource('v1', 'ConfigMap').namespace('other').create(cm('elsewhere'));

    expect((await cms.list({ labelSelector: 'parity=odd' })).items.map((o) => o.metadata?.name)).toEqual([
      'c1',
      'c3',
      'c5',
    ]);
    const before = server.log.length;
    const all = await cms.listAll({ pageSize: 3 });
    expect(all.items.map((o) => o.metadata?.name)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(server.log.length - before).toBe(3);
    expect(server.log.slice(before).map((l) => l.query.continue !== undefined)).toEqual([false, true, true]);
    expect((await client.resource('v1', 'ConfigMap').listAll()).items).toHaveLength(8);
  });

  it('listAll starts over with a full list when a continue token expires midway', async () => {
    const { client, server } = setup();
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    for (let i = 0; i < 4; i++) await cms.create(cm(`c${i}`));
    const pages = cms.listPages({ pageSize: 2 });
    await pages.next();
    const expire = () => {
      server.modify('/v1/configmaps', 'default', 'c0', (o) => (o.data = { touched: 'yes' }));
      server.compact();
    };
    expire();
    await expect(pages.next()).rejects.toMatchObject({ status: { code: 410 } });

    let calls = 0;
    server.beforeRequest = () => {
      if (++calls === 2) expire(); // expire the token between the pages
    };
    const all = await cms.listAll({ pageSize: 2 });
    expect(all.items.map((o) => o.metadata?.name)).toEqual(['c0', 'c1', 'c2', 'c3']);
    expect(all.metadata.resourceVersion).toBe(String(server.resourceVersion));
    expect(calls).toBe(3);
  });

  it('watches, passing the options as query parameters', async () => {
    const { client, server } = setup();
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    const a = await cms.create(cm('a'));
    const stream = await cms.watch({
      resourceVersion: a.metadata?.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: 30,
    });
    expect(server.log.at(-1)?.query).toMatchObject({
      watch: 'true',
      resourceVersion: a.metadata?.resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: '30',
    });
    await cms.create(cm('b'));
    await cms.delete('a');
    const seen: string[] = [];
    for await (const ev of stream) {
      seen.push(`${ev.type} ${ev.object.metadata?.name}`);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(['ADDED b', 'DELETED a']);
    expect(server.openWatches).toBe(0);
  });
});
