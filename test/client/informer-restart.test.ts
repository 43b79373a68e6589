// The client library against a real `flotilla serve` over HTTPS: an informer sees every create,
// update and delete, and when the server restarts (same data dir and port) it resumes and
// converges with exactly the changes made meanwhile: no duplicates, nothing missed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '../../api/client/client.ts';
import { openSqliteBackend } from '../../control-plane/storage/index.ts';
import { SharedIndexInformer, type EventHandler } from '../../api/client/informer.ts';
import { silentLogger } from '../../api/client/logger.ts';
import { nodeTransportFromKubeconfig } from '../../api/client/transport-node.ts';
import type { KubeObject } from '../../api/client/types.ts';
import { pollUntil, waitFor } from '../../api/client/wait.ts';
import { freePort, serveCommandRegistered, startServe, type ServeProcess } from './serve-process.ts';

const label = 'flotilla.test/informer-restart';
const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

function recorder() {
  const events: string[] = [];
  const handler: EventHandler = {
    onAdd: (o) => events.push(`add ${o.metadata?.name}`),
    onUpdate: (a, b) => {
      if (a.metadata?.resourceVersion !== b.metadata?.resourceVersion)
        events.push(`update ${b.metadata?.name} data=${JSON.stringify(b.data)}`);
    },
    onDelete: (o) => events.push(`delete ${o.metadata?.name}`),
  };
  return { events, handler };
}

/** A fresh client per server lifetime for the writes, like another user changing things. */
function writer(server: ServeProcess) {
  const client = new Client(nodeTransportFromKubeconfig({ kubeconfig: server.kubeconfig }));
  cleanup.push(() => client.close());
  return client.resource('v1', 'ConfigMap').namespace('default');
}

const cm = (name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels: { [label]: 'yes' } },
  data,
});

describe.skipIf(!serveCommandRegistered())('client library against flotilla serve', () => {
  it(
    'an informer sees every change, and converges exactly across a server restart',
    { timeout: 300_000 },
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-client-it-'));
      cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const port = await freePort();
      let server = await startServe({ dataDir, port });
      cleanup.push(() => server.stop());

      const client = new Client(nodeTransportFromKubeconfig({ kubeconfig: server.kubeconfig }));
      cleanup.push(() => client.close());
      const stop = new AbortController();
      cleanup.push(() => stop.abort());
      const informer = new SharedIndexInformer({
        resource: client.resource('v1', 'ConfigMap').namespace('default'),
        labelSelector: `${label}=yes`,
        logger: silentLogger,
        backoff: { initialMs: 100, maxMs: 2000 },
      });
      const rec = recorder();
      informer.addEventHandler(rec.handler);
      void informer.run(stop.signal);
      await informer.waitForSync({ timeoutMs: 120_000 });

      // Live changes.
      let cms = writer(server);
      const a = await cms.create(cm('a', { v: '1' }));
      await cms.create(cm('b', { v: '1' }));
      await cms.create(cm('c', { v: '1' }));
      await cms.update({ ...a, data: { v: '2' } });
      await cms.delete('b');
      const live = ['add a', 'add b', 'add c', 'update a data={"v":"2"}', 'delete b'];
      await waitFor(informer, () => rec.events.length >= live.length, {
        timeoutMs: 120_000,
        description: 'the live changes',
      });
      expect(rec.events).toEqual(live);

      // Restart the server; change things as soon as it is back, whether or not the informer has reconnected.
      await server.stop();
      server = await startServe({ dataDir, port });
      cms = writer(server);
      await cms.create(cm('d', { v: '1' }));
      await cms.patch('c', 'merge', { data: { v: '2' } });
      await cms.delete('a');

      const afterRestart = ['add d', 'delete a', 'update c data={"v":"2"}'];
      await pollUntil(() => rec.events.length >= live.length + afterRestart.length, {
        timeoutMs: 120_000,
        intervalMs: 50,
        description: `the informer to catch up after the restart (saw ${JSON.stringify(rec.events)})`,
      });
      // The order of these three depends on whether it resumed the watch or relisted; the set may not.
      expect(rec.events.slice(live.length).sort()).toEqual(afterRestart);

      // And its cache is what the server has, version for version.
      const list = await cms.list({ labelSelector: `${label}=yes` });
      const rvs = (objs: KubeObject[]) =>
        objs.map((o) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`).sort();
      await pollUntil(() => rvs(informer.list()).join() === rvs(list.items).join(), {
        timeoutMs: 60_000,
        description: 'the cache to match',
      });
      expect(rvs(informer.list())).toEqual(rvs(list.items));
      expect(rec.events).toHaveLength(live.length + afterRestart.length);
      expect(informer.reflector.stats.watches).toBeGreaterThanOrEqual(2);
    },
  );

  it(
    'relists after a restart on a compacted store and delivers exactly what it missed',
    { timeout: 300_000 },
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-client-it-'));
      cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const port = await freePort();
      let server = await startServe({ dataDir, port });
      cleanup.push(() => server.stop());

      const client = new Client(nodeTransportFromKubeconfig({ kubeconfig: server.kubeconfig }));
      cleanup.push(() => client.close());
      const stop = new AbortController();
      cleanup.push(() => stop.abort());
      const informer = new SharedIndexInformer({
        resource: client.resource('v1', 'ConfigMap').namespace('default'),
        labelSelector: `${label}=yes`,
        logger: silentLogger,
        backoff: { initialMs: 100, maxMs: 2000 },
      });
      const rec = recorder();
      const unknownDeletes: string[] = [];
      informer.addEventHandler(rec.handler);
      informer.addEventHandler({
        onDelete: (o, unknown) => unknown && unknownDeletes.push(o.metadata!.name!),
      });
      void informer.run(stop.signal);
      await informer.waitForSync({ timeoutMs: 120_000 });

      let cms = writer(server);
      for (const n of ['keep', 'change', 'gone']) await cms.create(cm(n, { v: '1' }));
      await waitFor(informer, () => rec.events.length >= 3, {
        timeoutMs: 120_000,
        description: 'the three adds',
      });

      // While the informer can not reach it (another port), the cluster changes; then the history
      // it would resume from is compacted away.
      await server.stop();
      const elsewhere = await startServe({ dataDir, port: await freePort() });
      cms = writer(elsewhere);
      await cms.create(cm('new', { v: '1' }));
      await cms.patch('change', 'merge', { data: { v: '2' } });
      await cms.delete('gone');
      await elsewhere.stop();
      const store = await openSqliteBackend({ path: join(dataDir, 'store.db') });
      await store.compact(await store.currentRevision());
      await store.close();

      server = await startServe({ dataDir, port });
      await pollUntil(() => rec.events.length >= 6, {
        timeoutMs: 120_000,
        intervalMs: 50,
        description: `the relist difference (saw ${JSON.stringify(rec.events)})`,
      });
      expect(rec.events.slice(3).sort()).toEqual(['add new', 'delete gone', 'update change data={"v":"2"}']);
      expect(unknownDeletes).toEqual(['gone']);
      expect(informer.reflector.stats.relistsAfterExpired).toBeGreaterThanOrEqual(1);
      expect(
        informer
          .list()
          .map((o) => o.metadata?.name)
          .sort(),
      ).toEqual(['change', 'keep', 'new']);

      // And it watches again from the new list: a later change arrives as one event.
      await writer(server).delete('keep');
      await waitFor(informer, () => rec.events.length >= 7, {
        timeoutMs: 120_000,
        description: 'delete keep',
      });
      expect(rec.events.slice(6)).toEqual(['delete keep']);
    },
  );
});
