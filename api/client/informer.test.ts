import { afterEach, describe, expect, it } from 'vitest';
import { Client } from './client.ts';
import { FakeClock } from './clock.ts';
import { FakeApiServer } from './fake-apiserver.ts';
import { SharedIndexInformer, type EventHandler } from './informer.ts';
import { SharedInformerFactory } from './informer-factory.ts';
import { silentLogger } from './logger.ts';
import { fieldIndex } from './store.ts';
import { inProcessTransport } from './transport-in-process.ts';
import type { KubeObject } from './types.ts';
import { pollUntil } from './wait.ts';

const pods = '/v1/pods';
const pod = (name: string, node?: string, ns = 'default'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns },
  spec: node ? { nodeName: node } : {},
});

/** Records what handlers hear, as short lines: `add default/a`, `update default/a 3->4`, `delete default/a (unknown)`. */
function recorder() {
  const events: string[] = [];
  const key = (o: KubeObject) => `${o.metadata?.namespace}/${o.metadata?.name}`;
  const handler: EventHandler = {
    onAdd: (o, initial) => events.push(`add ${key(o)}${initial ? ' (initial)' : ''}`),
    onUpdate: (a, b) =>
      events.push(`update ${key(b)} ${a.metadata?.resourceVersion}->${b.metadata?.resourceVersion}`),
    onDelete: (o, unknown) => events.push(`delete ${key(o)}${unknown ? ' (unknown)' : ''}`),
  };
  return { events, handler };
}

const stops: AbortController[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s.abort();
});

function setup(opts: { clock?: FakeClock } = {}) {
  const server = new FakeApiServer();
  const client = new Client(inProcessTransport(server));
  const stop = new AbortController();
  stops.push(stop);
  const informer = new SharedIndexInformer({
    resource: client.resource('v1', 'Pod'),
    indexers: { nodeName: fieldIndex('spec.nodeName') },
    logger: silentLogger,
    backoff: { initialMs: 5, maxMs: 50 },
    clock: opts.clock,
  });
  const rec = recorder();
  informer.addEventHandler(rec.handler);
  const watches = () => server.log.filter((l) => l.method === 'WATCH');
  const lists = () => server.log.filter((l) => l.method === 'GET' && l.path === '/api/v1/pods');
  const until = (cond: () => boolean, description: string) =>
    pollUntil(cond, { timeoutMs: 20_000, intervalMs: 2, description });
  /** Synced, and its watch is open on the server. */
  const synced = async () => {
    await informer.waitForSync({ timeoutMs: 20_000 });
    await until(() => server.openWatches === 1, 'the watch to open');
  };
  return { server, client, informer, stop, rec, watches, lists, until, synced };
}

describe('SharedIndexInformer', () => {
  it('lists, then watches from the list version, delivering changes in order', async () => {
    const { server, informer, stop, rec, watches, until, synced } = setup();
    server.create(pods, pod('a'));
    server.create(pods, pod('b', 'n1'));
    void informer.run(stop.signal);
    await synced();
    expect(rec.events).toEqual(['add default/a (initial)', 'add default/b (initial)']);
    expect(watches()[0]?.query).toMatchObject({ resourceVersion: '3', allowWatchBookmarks: 'true' });

    server.create(pods, pod('c'));
    server.modify(pods, 'default', 'a', (o) => (o.spec.nodeName = 'n1'));
    server.remove(pods, pod('b'));
    await until(() => rec.events.length === 5, 'three watch events');
    expect(rec.events.slice(2)).toEqual(['add default/c', 'update default/a 2->5', 'delete default/b']);
    expect(
      informer
        .list()
        .map((p) => p.metadata?.name)
        .sort(),
    ).toEqual(['a', 'c']);
    expect(informer.byIndex('nodeName', 'n1').map((p) => p.metadata?.name)).toEqual(['a']);
    expect(informer.lastSyncResourceVersion()).toBe('6');
  });

  it('re-watches from the last seen version when the watch ends, without listing again', async () => {
    const { server, informer, stop, rec, watches, lists, until, synced } = setup();
    server.create(pods, pod('a'));
    void informer.run(stop.signal);
    await synced();
    server.create(pods, pod('b')); // rv 3, seen on the watch
    await until(() => rec.events.length === 2, 'add b');

    server.dropWatches(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    server.create(pods, pod('c')); // while no watch is open
    server.modify(pods, 'default', 'a', (o) => (o.metadata!.labels = { x: 'y' }));
    await until(() => rec.events.length === 4, 'the changes made while disconnected');
    expect(rec.events.slice(2)).toEqual(['add default/c', 'update default/a 2->5']);
    expect(watches().map((w) => w.query.resourceVersion)).toEqual(['2', '3']);
    expect(lists()).toHaveLength(1);

    server.dropWatches(); // a clean end (server-side timeout)
    await until(() => watches().length === 3, 'a third watch');
    expect(watches()[2]?.query.resourceVersion).toBe('5');
    expect(lists()).toHaveLength(1);
  });

  it('moves its resume version forward on bookmarks', async () => {
    const { server, client, informer, stop, watches, until, synced } = setup();
    void informer.run(stop.signal);
    await synced();
    // Other resources change; only a bookmark tells this informer how far the store has moved.
    for (let i = 0; i < 5; i++)
      await client
        .resource('v1', 'ConfigMap')
        .namespace('default')
        .create({ metadata: { name: `c${i}` } });
    server.bookmark();
    await until(() => informer.lastSyncResourceVersion() === '6', 'the bookmark version');
    server.compact(); // history before 6 is gone: resuming from 1 would be 410
    server.dropWatches();
    await until(() => watches().length === 2, 're-watch');
    expect(watches()[1]?.query.resourceVersion).toBe('6');
    expect(informer.reflector.stats.relistsAfterExpired).toBe(0);
  });

  it('on 410 Expired relists and delivers exactly the difference, with deletes it missed', async () => {
    const { server, informer, stop, rec, until, lists, synced } = setup();
    for (const n of ['keep', 'change', 'gone']) server.create(pods, pod(n));
    void informer.run(stop.signal);
    await synced();
    rec.events.length = 0;

    // Changes the watch never reports: the server compacts and expires the watch.
    server.dropWatches();
    server.modify(pods, 'default', 'change', (o) => (o.spec.nodeName = 'n2'));
    server.remove(pods, pod('gone'));
    server.create(pods, pod('new'));
    server.compact();
    await until(() => rec.events.length === 3, 'the relist difference');
    expect(rec.events.sort()).toEqual([
      'add default/new',
      'delete default/gone (unknown)',
      'update default/change 3->5',
    ]);
    expect(lists()).toHaveLength(2);
    expect(informer.reflector.stats.relistsAfterExpired).toBe(1);
    expect(informer.byIndex('nodeName', 'n2').map((p) => p.metadata?.name)).toEqual(['change']);

    // After the relist it watches from the new list's version.
    server.create(pods, pod('after'));
    await until(() => rec.events.length === 4, 'add after');
    expect(rec.events[3]).toBe('add default/after');
  });

  it('relists when the open watch reports an ERROR 410 event', async () => {
    const { server, informer, stop, rec, until, lists, synced } = setup();
    server.create(pods, pod('a'));
    void informer.run(stop.signal);
    await synced();
    server.expireWatches();
    await until(() => lists().length === 2, 'a relist');
    server.create(pods, pod('b'));
    await until(() => rec.events.includes('add default/b'), 'add b');
    expect(rec.events).toEqual(['add default/a (initial)', 'add default/b']);
  });

  it('backs off instead of spinning when every watch it starts has already expired', async () => {
    const clock = new FakeClock();
    const { server, informer, stop, until, lists } = setup({ clock });
    server.create(pods, pod('a'));
    // Compaction always overtakes the list: each watch asks for a compacted version.
    server.beforeRequest = (req) => {
      if (req.query.watch !== 'true') return;
      server.modify(
        pods,
        'default',
        'a',
        (o) => (o.metadata!.annotations = { n: String(server.resourceVersion) }),
      );
      server.compact();
    };
    void informer.run(stop.signal);
    await until(
      () => lists().length === 2 && clock.nextTimerAt() !== undefined,
      'one immediate relist, then a backoff',
    );
    expect(informer.reflector.stats.relistsAfterExpired).toBe(2);
    clock.step(clock.nextTimerAt()! - clock.now());
    await until(() => lists().length === 3, 'the relist after the backoff');
  });

  it('keeps retrying with backoff while the server is down, then catches up', async () => {
    const { server, informer, stop, rec, until, watches } = setup();
    server.down = true;
    void informer.run(stop.signal);
    await until(() => server.log.length >= 3, 'a few failed lists');
    expect(informer.hasSynced()).toBe(false);
    await expect(informer.waitForSync({ timeoutMs: 1 })).rejects.toThrow(
      /did not sync within 1ms: last error: connect ECONNREFUSED/,
    );
    server.down = false;
    server.create(pods, pod('a'));
    await informer.waitForSync({ timeoutMs: 20_000 });

    server.down = true;
    server.dropWatches(new Error('socket hang up'));
    server.create(pods, pod('b'));
    await until(() => watches().length >= 3, 'failed re-watches');
    server.down = false;
    await until(() => rec.events.length === 2, 'add b after the outage');
    expect(rec.events).toEqual(['add default/a (initial)', 'add default/b']);
    expect(
      new Set(
        watches()
          .slice(1)
          .map((w) => w.query.resourceVersion),
      ),
    ).toEqual(new Set(['2']));
  });

  it('replays the cache to a handler added late, and isolates a throwing handler', async () => {
    const { server, informer, stop, rec, until } = setup();
    server.create(pods, pod('a'));
    informer.addEventHandler({
      onAdd: () => {
        throw new Error('broken handler');
      },
    });
    void informer.run(stop.signal);
    await informer.waitForSync({ timeoutMs: 20_000 });
    const late = recorder();
    const reg = informer.addEventHandler(late.handler);
    expect(late.events).toEqual(['add default/a (initial)']);
    expect(reg.hasSynced()).toBe(true);
    server.create(pods, pod('b'));
    await until(() => late.events.length === 2, 'late handler sees b');
    expect(rec.events).toEqual(['add default/a (initial)', 'add default/b']);
    reg.remove();
    server.create(pods, pod('c'));
    await until(() => rec.events.length === 3, 'add c');
    expect(late.events).toHaveLength(2);
  });

  it('resyncs handlers that asked for it, with old === new', async () => {
    const clock = new FakeClock();
    const { server, informer, stop } = setup({ clock });
    server.create(pods, pod('a'));
    const resyncs: string[] = [];
    informer.addEventHandler(
      { onUpdate: (o, n) => o === n && resyncs.push(n.metadata!.name!) },
      { resyncMs: 60_000 },
    );
    void informer.run(stop.signal);
    await informer.waitForSync(); // its timeout would run on the fake clock

    clock.step(59_999);
    expect(resyncs).toEqual([]);
    clock.step(1);
    expect(resyncs).toEqual(['a']);
    clock.step(60_000);
    expect(resyncs).toEqual(['a', 'a']);
  });

  it('watches one namespace with selectors when asked', async () => {
    const { server, client, stop, until } = setup();
    server.create(pods, pod('here', 'n1', 'ns1'));
    server.create(pods, pod('other-node', 'n2', 'ns1'));
    server.create(pods, pod('other-ns', 'n1', 'ns2'));
    const informer = new SharedIndexInformer({
      resource: client.resource('v1', 'Pod').namespace('ns1'),
      fieldSelector: 'spec.nodeName=n1',
      logger: silentLogger,
    });
    void informer.run(stop.signal);
    await informer.waitForSync({ timeoutMs: 20_000 });
    expect(informer.list().map((p) => p.metadata?.name)).toEqual(['here']);
    server.create(pods, pod('later', 'n1', 'ns1'));
    await until(() => informer.get('ns1/later') !== undefined, 'later');
    expect(informer.store.size).toBe(2);
  });
});

describe('SharedInformerFactory', () => {
  it('shares one informer (one list+watch) between consumers of the same type', async () => {
    const server = new FakeApiServer();
    const client = new Client(inProcessTransport(server));
    const factory = new SharedInformerFactory(client, { logger: silentLogger });
    const stop = new AbortController();
    stops.push(stop);
    const a = factory.informerFor('v1', 'Pod');
    const b = factory.informerFor('v1', 'Pod', { indexers: { nodeName: fieldIndex('spec.nodeName') } });
    expect(b).toBe(a);
    expect(a.store.hasIndex('nodeName')).toBe(true);
    expect(factory.informerFor('v1', 'Pod', { namespace: 'kube-system' })).not.toBe(a);
    factory.start(stop.signal);
    const nodes = factory.informerFor('v1', 'Node'); // asked for after start: starts at once
    await factory.waitForCacheSync({ timeoutMs: 20_000 });
    expect(nodes.hasSynced()).toBe(true);
    expect(server.log.filter((l) => l.method === 'WATCH' && l.path === '/api/v1/pods')).toHaveLength(1);
    stop.abort();
    await factory.stopped();
    expect(server.openWatches).toBe(0);
  });
});
