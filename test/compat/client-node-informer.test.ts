// The official JavaScript client (@kubernetes/client-node 1.3, its makeInformer / ListWatch)
// against a real `flotilla serve`: the informer's cache follows creates, updates and deletes, and
// when the server is stopped (SIGTERM) and started again on the same data dir and port while
// objects change around the restart, it converges to exactly the server's state without
// missing an update. Every update bumps a counter annotation, so "nothing missed" is checkable:
// each object's observed counter values must be 0, 1, 2, ... with no gap.
import { CoreV1Api, KubeConfig, makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteBackend } from '../../control-plane/storage/index.ts';
import { waitFor } from '../helpers/server.ts';
import { freePort, startServe, type ServeProcess } from '../client/serve-process.ts';

const namespace = 'default';
const label = 'flotilla.test/compat';
const counterKey = 'flotilla.test/counter';
const path = `/api/v1/namespaces/${namespace}/configmaps`;

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A fresh client per server lifetime, like another user making changes. */
function writer(server: ServeProcess) {
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfig);
  const api = kc.makeApiClient(CoreV1Api);
  const counters = new Map<string, number>();
  const body = (name: string, counter: number, resourceVersion?: string): V1ConfigMap => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      labels: { [label]: 'yes' },
      annotations: { [counterKey]: String(counter) },
      ...(resourceVersion ? { resourceVersion } : {}),
    },
    data: { counter: String(counter) },
  });
  return {
    async create(name: string) {
      counters.set(name, 0);
      await api.createNamespacedConfigMap({ namespace, body: body(name, 0) });
    },
    /** Read, bump the counter, write back with the read resourceVersion (a conflict would throw). */
    async bump(name: string) {
      const current = await api.readNamespacedConfigMap({ name, namespace });
      const next = Number(current.metadata!.annotations![counterKey]) + 1;
      await api.replaceNamespacedConfigMap({
        name,
        namespace,
        body: body(name, next, current.metadata!.resourceVersion),
      });
      return next;
    },
    async delete(name: string) {
      await api.deleteNamespacedConfigMap({ name, namespace });
    },
    async list() {
      return api.listNamespacedConfigMap({ namespace, labelSelector: `${label}=yes` });
    },
  };
}

/** An informer on our ConfigMaps, restarted on errors as client-node's docs advise. */
function startInformer(kubeconfig: string) {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const api = kc.makeApiClient(CoreV1Api);
  const informer = makeInformer<V1ConfigMap>(
    kc,
    path,
    () => api.listNamespacedConfigMap({ namespace, labelSelector: `${label}=yes` }),
    `${label}=yes`,
  );
  const events: string[] = [];
  /** Counter values seen per object, in order (adds and updates). */
  const seen = new Map<string, number[]>();
  const note = (type: string, cm: V1ConfigMap) => {
    const name = cm.metadata!.name!;
    const counter = Number(cm.metadata?.annotations?.[counterKey]);
    events.push(`${type} ${name}${type === 'delete' ? '' : ` ${counter}`}`);
    if (type !== 'delete') seen.set(name, [...(seen.get(name) ?? []), counter]);
  };
  informer.on('add', (cm) => note('add', cm));
  informer.on('update', (cm) => note('update', cm));
  informer.on('delete', (cm) => note('delete', cm));
  let connects = 0;
  let errors = 0;
  let stopped = false;
  informer.on('connect', () => connects++);
  informer.on('error', () => {
    // The server is down (connection refused) or going away: try again shortly.
    errors++;
    if (!stopped) setTimeout(() => !stopped && void informer.start(), 200);
  });
  cleanup.push(async () => {
    stopped = true;
    await informer.stop();
  });
  return {
    informer,
    events,
    seen,
    get connects() {
      return connects;
    },
    get errors() {
      return errors;
    },
  };
}

const names = (cms: readonly V1ConfigMap[]) =>
  cms.map((cm) => `${cm.metadata!.name}@${cm.metadata!.resourceVersion}`).sort();

async function newServer(dataDir: string, port: number): Promise<ServeProcess> {
  const server = await startServe({ dataDir, port });
  cleanup.push(() => server.stop());
  return server;
}

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-compat-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('@kubernetes/client-node informer against flotilla serve', () => {
  it(
    'sees every create, update and delete, and converges without a missed update across a restart',
    { timeout: 300_000 },
    async () => {
      const dataDir = tempDataDir();
      const port = await freePort();
      let server = await newServer(dataDir, port);
      const inf = startInformer(server.kubeconfig);
      await inf.informer.start();

      // Live changes, one informer event each, in order.
      let cms = writer(server);
      await cms.create('a');
      await cms.create('b');
      await cms.create('c');
      for (let i = 0; i < 3; i++) await cms.bump('a');
      await cms.bump('b');
      await cms.delete('b');
      const live = [
        'add a 0',
        'add b 0',
        'add c 0',
        'update a 1',
        'update a 2',
        'update a 3',
        'update b 1',
        'delete b',
      ];
      await waitFor(() => inf.events.length >= live.length, 120_000, 'the live changes');
      expect(inf.events).toEqual(live);

      // Changes acknowledged right before SIGTERM...
      await cms.bump('a');
      await cms.bump('c');
      await cms.create('d');
      await server.stop();
      // ...and right after the restart, whether or not the informer has reconnected yet.
      server = await newServer(dataDir, port);
      cms = writer(server);
      await cms.bump('a');
      await cms.bump('d');
      await cms.delete('c');
      await cms.create('e');
      await cms.bump('a');

      const fresh = await cms.list();
      await waitFor(
        () => names(inf.informer.list()).join() === names(fresh.items).join(),
        120_000,
        `the informer cache to match the server (events: ${JSON.stringify(inf.events)})`,
      );
      expect(names(inf.informer.list())).toEqual(names(fresh.items));
      // Every counter value of every object was seen, in order, once.
      expect(Object.fromEntries(inf.seen)).toEqual({
        a: [0, 1, 2, 3, 4, 5, 6],
        b: [0, 1],
        c: [0, 1],
        d: [0, 1],
        e: [0],
      });
      expect(inf.events.filter((e) => e.startsWith('delete'))).toEqual(['delete b', 'delete c']);
      // It reconnected (the CONNECT callback runs once per list/watch attempt).
      expect(inf.connects).toBeGreaterThanOrEqual(2);

      // And it keeps watching on the new server.
      await cms.delete('a');
      await waitFor(() => inf.events.at(-1) === 'delete a', 120_000, 'delete a after the restart');
    },
  );

  it(
    'relists after a restart on a compacted store (410 Gone) and ends with exactly the server state',
    { timeout: 300_000 },
    async () => {
      const dataDir = tempDataDir();
      const port = await freePort();
      let server = await newServer(dataDir, port);
      const inf = startInformer(server.kubeconfig);
      await inf.informer.start();

      let cms = writer(server);
      for (const n of ['keep', 'change', 'gone']) await cms.create(n);
      await waitFor(() => inf.events.length >= 3, 120_000, 'the three adds');

      // While the informer can not reach it (the server runs on another port), things change;
      // then the history it would resume from is compacted away.
      await server.stop();
      const elsewhere = await newServer(dataDir, await freePort());
      cms = writer(elsewhere);
      await cms.create('new');
      await cms.bump('change');
      await cms.bump('change');
      await cms.delete('gone');
      await elsewhere.stop();
      const store = await openSqliteBackend({ path: join(dataDir, 'store.db'), compactIntervalMs: 0 });
      await store.compact(await store.currentRevision());
      await store.close();

      server = await newServer(dataDir, port);
      cms = writer(server);
      const fresh = await cms.list();
      await waitFor(
        () => names(inf.informer.list()).join() === names(fresh.items).join(),
        120_000,
        `the informer cache to match the server (events: ${JSON.stringify(inf.events)})`,
      );
      // The relist delivers the final state of each object and the delete it missed.
      expect(inf.events.slice(3).sort()).toEqual(['add new 0', 'delete gone', 'update change 2']);

      // And it watches from the new list: one later change is one event.
      await cms.bump('keep');
      await waitFor(() => inf.events.length >= 7, 120_000, 'the update of keep');
      expect(inf.events.slice(6)).toEqual(['update keep 1']);
    },
  );
});
