import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Client,
  inProcessTransport,
  isConflict,
  isNotFound,
  SharedInformerFactory,
  silentLogger,
  waitForObject,
  type KubeObject,
} from '../../api/client/index.ts';
import { inProcessHandler } from './in-process.ts';
import { backendCases, openHarness, type Harness } from './registry/testing/harness.ts';

let h: Harness;
let client: Client;
beforeEach(async () => {
  h = await openHarness(backendCases[0]!);
  client = new Client(inProcessTransport(inProcessHandler({ registries: h.registries })));
});
afterEach(() => h.close());

const pod = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});
const pods = () => client.resource('v1', 'Pod').namespace('default');

describe('in-process API handler', () => {
  it('serves the verbs with the same answers as HTTP', async () => {
    const created = await pods().create(pod('a'));
    expect(created.metadata?.uid).toBeTruthy();
    expect((await pods().get('a')).metadata?.name).toBe('a');
    expect((await pods().list()).items.map((p) => p.metadata?.name)).toEqual(['a']);
    const patched = await pods().patch('a', 'merge', { metadata: { labels: { x: 'y' } } });
    expect(patched.metadata?.labels).toEqual({ x: 'y' });
    const status = await pods().patch(
      'a',
      'strategic',
      { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      { subresource: 'status' },
    );
    expect(status.status?.conditions).toEqual([{ type: 'Ready', status: 'True' }]);
    await pods().delete('a');
    await expect(pods().get('a')).rejects.toSatisfy(isNotFound);
    // A type without graceful deletion answers with a Success Status, as over HTTP.
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    await cms.create({ metadata: { name: 'cm' }, data: {} });
    expect(await cms.delete('cm')).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'cm' },
    });
  });

  it('reports failures as ApiErrors with the Status', async () => {
    await expect(pods().get('ghost')).rejects.toSatisfy(isNotFound);
    const stale = await pods().create(pod('b'));
    await pods().patch('b', 'merge', { metadata: { labels: { v: '2' } } });
    await expect(pods().update(stale)).rejects.toSatisfy(isConflict);
    await expect(client.request('GET', '/api/v1/namespaces/default/pods/b/log')).rejects.toMatchObject({
      code: 405,
    });
    await expect(client.request('GET', '/version')).rejects.toMatchObject({ code: 404 });
  });

  it('binds pods and scales workloads through their subresources', async () => {
    await pods().create(pod('c'));
    await pods().bind('c', 'node-1');
    expect((await pods().get('c')).spec?.nodeName).toBe('node-1');
    await expect(pods().bind('c', 'node-2')).rejects.toSatisfy(isConflict);
    const rs = client.resource('apps/v1', 'ReplicaSet').namespace('default');
    await rs.create({
      metadata: { name: 'r' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: { labels: { a: 'b' } }, spec: pod('x').spec },
      },
    });
    await rs.scale('r', 4);
    expect((await rs.getScale('r')).spec).toEqual({ replicas: 4 });
  });

  it('copies request bodies: changing what was sent changes nothing stored', async () => {
    const sent = pod('d');
    await pods().create(sent);
    sent.metadata!.labels = { changed: 'later' };
    expect((await pods().get('d')).metadata?.labels).toBeUndefined();
  });

  it('feeds informers with watch events', async () => {
    const ac = new AbortController();
    const factory = new SharedInformerFactory(client, { logger: silentLogger });
    const informer = factory.informerFor('v1', 'Pod');
    factory.start(ac.signal);
    try {
      await factory.waitForCacheSync({ timeoutMs: 10_000 });
      await pods().create(pod('e'));
      await pods().bind('e', 'node-9');
      const seen = await waitForObject(informer, 'default/e', (p) => p?.spec?.nodeName === 'node-9', {
        timeoutMs: 10_000,
      });
      expect(seen?.spec?.nodeName).toBe('node-9');
    } finally {
      ac.abort();
      await factory.stopped();
    }
  });
});
