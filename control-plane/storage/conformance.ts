// The storage conformance suite: what the API server relies on, checked against a real backend.
// Every backend (SQLite today, etcd later) runs it from its own test file:
//   runBackendConformance('sqlite', backendFactory);
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompactedError, FutureRevisionError, KeyExistsError, StoreClosedError } from './errors.ts';
import type { Backend, KeyValue, WatchEvent } from './types.ts';

export interface BackendTestOptions {
  /** Automatic compaction period in ms; 0 (the suite's default) turns it off. */
  compactIntervalMs?: number;
  /** Revisions that automatic compaction keeps. */
  compactRetain?: number;
}

export interface BackendFactory {
  /**
   * A backend, not started, whose data lives in `dir` (an empty directory the suite made and
   * removes). Opening the same `dir` again opens the same data.
   */
  open(dir: string, opts?: BackendTestOptions): Backend;
  /** Problems found in the (closed) data in `dir`, [] if none. */
  checkIntegrity?(dir: string): Promise<string[]>;
  /** Absolute path of a module exporting this factory as `backendFactory` (for child processes). */
  module: string;
  /** false for a backend that keeps nothing across close() (restart and crash tests are skipped). */
  durable?: boolean;
}

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);
const summary = (kv: KeyValue | undefined) =>
  kv && {
    key: kv.key,
    value: decode(kv.value),
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
  };
const eventSummary = (e: WatchEvent) => ({
  type: e.type,
  key: e.kv.key,
  value: decode(e.kv.value),
  revision: e.kv.modRevision,
  prev: e.prevKv && { value: decode(e.prevKv.value), modRevision: e.prevKv.modRevision },
});

/** Polls until `check` is true; a deadline only turns a hang into a readable failure. */
async function waitFor(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A watch that records everything it is told. */
function record(backend: Backend, prefix: string, after: number) {
  const seen = { events: [] as WatchEvent[], progress: [] as number[], errors: [] as Error[] };
  const watcher = backend.watch(prefix, after, {
    onEvents: (events) => seen.events.push(...events),
    onProgress: (revision) => seen.progress.push(revision),
    onError: (err) => seen.errors.push(err),
  });
  const revisions = () => seen.events.map((e) => e.kv.modRevision);
  const lastRevision = () => revisions().at(-1) ?? after;
  return { ...seen, watcher, revisions, lastRevision };
}

export function runBackendConformance(name: string, factory: BackendFactory): void {
  describe(`storage conformance: ${name}`, () => {
    let dir: string;
    let open: Backend[];
    let store: Backend;

    /** Opens (and starts) a backend on this test's directory; closed after the test. */
    async function reopen(opts: BackendTestOptions = {}): Promise<Backend> {
      const backend = factory.open(dir, { compactIntervalMs: 0, ...opts });
      open.push(backend);
      await backend.start();
      return backend;
    }

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), `flotilla-${name}-`));
      open = [];
      store = await reopen();
    });

    afterEach(async () => {
      for (const backend of open) await backend.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    });

    describe('CRUD and revisions', () => {
      it('create stamps the key with a new revision that becomes the current one', async () => {
        const before = await store.currentRevision();
        const created = await store.create('/r/a', encode('one'));
        expect(created.revision).toBeGreaterThan(before);
        expect(summary(created.kv)).toEqual({
          key: '/r/a',
          value: 'one',
          createRevision: created.revision,
          modRevision: created.revision,
        });
        expect(await store.currentRevision()).toBe(created.revision);
        const got = await store.get('/r/a');
        expect(got.revision).toBe(created.revision);
        expect(summary(got.kv)).toEqual(summary(created.kv));
      });

      it('get of a missing key has no kv and reports the current revision', async () => {
        const { revision } = await store.create('/r/other', encode('x'));
        expect(await store.get('/r/missing')).toEqual({ revision });
      });

      it('create of an existing key fails with KeyExistsError and writes nothing', async () => {
        await store.create('/r/a', encode('one'));
        const revision = await store.currentRevision();
        const err = await store.create('/r/a', encode('two')).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(KeyExistsError);
        expect((err as KeyExistsError).key).toBe('/r/a');
        expect(await store.currentRevision()).toBe(revision);
        expect(decode((await store.get('/r/a')).kv?.value)).toBe('one');
      });

      it('update with the current modRevision replaces the value and keeps createRevision', async () => {
        const created = await store.create('/r/a', encode('one'));
        const updated = await store.update('/r/a', encode('two'), created.revision);
        expect(updated.succeeded).toBe(true);
        expect(updated.revision).toBeGreaterThan(created.revision);
        expect(summary(updated.kv)).toEqual({
          key: '/r/a',
          value: 'two',
          createRevision: created.revision,
          modRevision: updated.revision,
        });
        expect(summary((await store.get('/r/a')).kv)).toEqual(summary(updated.kv));
      });

      it('update with a stale modRevision fails with the current value and writes nothing', async () => {
        const created = await store.create('/r/a', encode('one'));
        const current = await store.update('/r/a', encode('two'), created.revision);
        const stale = await store.update('/r/a', encode('three'), created.revision);
        expect(stale.succeeded).toBe(false);
        expect(summary(stale.kv)).toEqual(summary(current.kv));
        expect(stale.revision).toBe(current.revision);
        expect(await store.currentRevision()).toBe(current.revision);
      });

      it('update of a missing or deleted key fails without a kv', async () => {
        expect(await store.update('/r/none', encode('x'), 1)).toMatchObject({
          succeeded: false,
          kv: undefined,
        });
        const created = await store.create('/r/a', encode('one'));
        await store.delete('/r/a');
        const result = await store.update('/r/a', encode('x'), created.revision);
        expect(result).toMatchObject({ succeeded: false, kv: undefined });
      });

      it('delete removes the key and returns what was deleted', async () => {
        const created = await store.create('/r/a', encode('one'));
        const deleted = await store.delete('/r/a');
        expect(deleted.succeeded).toBe(true);
        expect(deleted.revision).toBeGreaterThan(created.revision);
        expect(summary(deleted.prevKv)).toEqual(summary(created.kv));
        expect((await store.get('/r/a')).kv).toBeUndefined();
        expect(await store.currentRevision()).toBe(deleted.revision);
      });

      it('delete of a missing key fails and writes nothing', async () => {
        const { revision } = await store.create('/r/other', encode('x'));
        expect(await store.delete('/r/missing')).toEqual({ revision, prevKv: undefined, succeeded: false });
        expect(await store.currentRevision()).toBe(revision);
      });

      it('delete with a precondition only deletes the expected version', async () => {
        const created = await store.create('/r/a', encode('one'));
        const updated = await store.update('/r/a', encode('two'), created.revision);
        const refused = await store.delete('/r/a', created.revision);
        expect(refused.succeeded).toBe(false);
        expect(summary(refused.prevKv)).toEqual(summary(updated.kv));
        expect(decode((await store.get('/r/a')).kv?.value)).toBe('two');
        const deleted = await store.delete('/r/a', updated.revision);
        expect(deleted.succeeded).toBe(true);
        expect((await store.get('/r/a')).kv).toBeUndefined();
      });

      it('a key deleted and created again starts a new life with a new createRevision', async () => {
        await store.create('/r/a', encode('one'));
        await store.delete('/r/a');
        const again = await store.create('/r/a', encode('two'));
        expect(again.kv.createRevision).toBe(again.revision);
        expect(decode((await store.get('/r/a')).kv?.value)).toBe('two');
      });

      it('get at a past revision returns the value as of that revision', async () => {
        const v1 = await store.create('/r/a', encode('one'));
        const v2 = await store.update('/r/a', encode('two'), v1.revision);
        const gone = await store.delete('/r/a');
        await store.create('/r/b', encode('b'));
        expect(decode((await store.get('/r/a', v1.revision)).kv?.value)).toBe('one');
        expect((await store.get('/r/a', v1.revision)).revision).toBe(v1.revision);
        expect(decode((await store.get('/r/a', v2.revision)).kv?.value)).toBe('two');
        expect((await store.get('/r/a', gone.revision)).kv).toBeUndefined();
        expect((await store.get('/r/b', v2.revision)).kv).toBeUndefined();
      });

      it('reads at a future revision fail with FutureRevisionError', async () => {
        const { revision } = await store.create('/r/a', encode('one'));
        await expect(store.get('/r/a', revision + 10)).rejects.toBeInstanceOf(FutureRevisionError);
        await expect(store.list('/r/', { revision: revision + 10 })).rejects.toBeInstanceOf(
          FutureRevisionError,
        );
      });

      it('values are bytes: binary and large values round-trip unchanged', async () => {
        const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
        const large = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7) % 251);
        await store.create('/r/binary', binary);
        await store.create('/r/large', large);
        expect(Buffer.from((await store.get('/r/binary')).kv!.value).equals(binary)).toBe(true);
        expect(Buffer.from((await store.get('/r/large')).kv!.value).equals(large)).toBe(true);
      });

      it('dbSize reports bytes on disk', async () => {
        await store.create('/r/a', new Uint8Array(64 * 1024));
        expect(await store.dbSize()).toBeGreaterThan(64 * 1024);
      });
    });

    describe('list and count', () => {
      async function seed(keys: string[]): Promise<void> {
        for (const key of keys) await store.create(key, encode(`v:${key}`));
      }

      it('returns only keys under the prefix, in key order', async () => {
        await seed(['/l/b/2', '/l/a/2', '/l/ab/1', '/l/a/1', '/l/b/1', '/l/a']);
        const { kvs, more, revision } = await store.list('/l/a/');
        expect(kvs.map((kv) => kv.key)).toEqual(['/l/a/1', '/l/a/2']);
        expect(kvs.map((kv) => decode(kv.value))).toEqual(['v:/l/a/1', 'v:/l/a/2']);
        expect(more).toBe(false);
        expect(revision).toBe(await store.currentRevision());
        expect((await store.list('/l/')).kvs.map((kv) => kv.key)).toEqual([
          '/l/a',
          '/l/a/1',
          '/l/a/2',
          '/l/ab/1',
          '/l/b/1',
          '/l/b/2',
        ]);
      });

      it('leaves out deleted keys and shows each key at its newest version', async () => {
        await seed(['/l/1', '/l/2', '/l/3']);
        await store.delete('/l/2');
        const current = (await store.get('/l/3')).kv!;
        await store.update('/l/3', encode('new'), current.modRevision);
        const { kvs } = await store.list('/l/');
        expect(kvs.map((kv) => [kv.key, decode(kv.value)])).toEqual([
          ['/l/1', 'v:/l/1'],
          ['/l/3', 'new'],
        ]);
        expect((await store.count('/l/')).count).toBe(2);
      });

      it('limit and startKey page through the keys exactly once, with `more` on all but the last page', async () => {
        const keys = Array.from({ length: 25 }, (_, i) => `/p/${String(i).padStart(2, '0')}`);
        await seed(keys);
        const seen: string[] = [];
        let startKey: string | undefined;
        for (;;) {
          const page = await store.list('/p/', { limit: 10, startKey });
          seen.push(...page.kvs.map((kv) => kv.key));
          if (!page.more) break;
          expect(page.kvs).toHaveLength(10);
          startKey = page.kvs.at(-1)!.key + '\0';
        }
        expect(seen).toEqual(keys);
        expect((await store.list('/p/', { limit: 25 })).more).toBe(false);
        expect((await store.list('/p/', { limit: 24 })).more).toBe(true);
      });

      it('pages read at a pinned revision form one consistent snapshot while writes go on', async () => {
        const keys = Array.from({ length: 30 }, (_, i) => `/p/${String(i).padStart(2, '0')}`);
        await seed(keys);
        const snapshot = await store.list('/p/');
        const first = await store.list('/p/', { limit: 10 });
        // The world moves on between pages.
        await store.delete('/p/15');
        await store.update('/p/20', encode('changed'), (await store.get('/p/20')).kv!.modRevision);
        await store.create('/p/25a', encode('new'));
        await store.create('/p/99', encode('new'));
        const pages = [first];
        while (pages.at(-1)!.more) {
          const startKey = pages.at(-1)!.kvs.at(-1)!.key + '\0';
          pages.push(await store.list('/p/', { limit: 10, startKey, revision: first.revision }));
        }
        const all = pages.flatMap((page) => page.kvs);
        expect(all.map(summary)).toEqual(snapshot.kvs.map(summary));
        expect(pages.every((page) => page.revision === first.revision)).toBe(true);
      });

      it('list at a past revision shows keys deleted since and hides keys created since', async () => {
        await seed(['/h/1', '/h/2']);
        const then = await store.currentRevision();
        await store.delete('/h/1');
        await store.create('/h/3', encode('later'));
        const past = await store.list('/h/', { revision: then });
        expect(past.revision).toBe(then);
        expect(past.kvs.map((kv) => kv.key)).toEqual(['/h/1', '/h/2']);
        expect((await store.list('/h/')).kvs.map((kv) => kv.key)).toEqual(['/h/2', '/h/3']);
      });

      it('count counts live keys under the prefix', async () => {
        await seed(['/c/1', '/c/2', '/c/3', '/cc/1']);
        await store.delete('/c/3');
        expect(await store.count('/c/')).toEqual({ revision: await store.currentRevision(), count: 2 });
        expect((await store.count('/none/')).count).toBe(0);
      });

      it('count from a start key and as of a past revision (what a list page has left)', async () => {
        await seed(['/cr/1', '/cr/2', '/cr/3']);
        const then = await store.currentRevision();
        await store.delete('/cr/3');
        await store.create('/cr/4', encode('later'));
        expect(await store.count('/cr/', { startKey: '/cr/2' })).toEqual({
          revision: await store.currentRevision(),
          count: 2,
        });
        expect(await store.count('/cr/', { startKey: '/cr/2', revision: then })).toEqual({
          revision: then,
          count: 2,
        });
        expect((await store.count('/cr/', { startKey: '/cr/9', revision: then })).count).toBe(0);
      });
    });

    describe('watch', () => {
      it('delivers creates, updates and deletes in revision order, with prevKv', async () => {
        const w = record(store, '/w/', await store.currentRevision());
        const created = await store.create('/w/a', encode('one'));
        const updated = await store.update('/w/a', encode('two'), created.revision);
        const deleted = await store.delete('/w/a');
        await waitFor('3 events', () => w.events.length >= 3);
        expect(w.events.map(eventSummary)).toEqual([
          { type: 'create', key: '/w/a', value: 'one', revision: created.revision, prev: undefined },
          {
            type: 'update',
            key: '/w/a',
            value: 'two',
            revision: updated.revision,
            prev: { value: 'one', modRevision: created.revision },
          },
          // A delete carries the deleted value, stamped with the delete's revision.
          {
            type: 'delete',
            key: '/w/a',
            value: 'two',
            revision: deleted.revision,
            prev: { value: 'two', modRevision: updated.revision },
          },
        ]);
        expect(w.events[1].kv.createRevision).toBe(created.revision);
        w.watcher.close();
      });

      it('only delivers keys under the prefix', async () => {
        const w = record(store, '/pf/a/', await store.currentRevision());
        await store.create('/pf/ab/1', encode('x'));
        await store.create('/pf/b/1', encode('x'));
        await store.create('/pf/a/1', encode('x'));
        await store.create('/pf/a', encode('x'));
        const last = await store.create('/pf/a/2', encode('x'));
        await waitFor('the last event', () => w.lastRevision() >= last.revision);
        expect(w.events.map((e) => e.kv.key)).toEqual(['/pf/a/1', '/pf/a/2']);
        // Replay filters the same way.
        const replay = record(store, '/pf/a/', 0);
        await waitFor('replay', () => replay.lastRevision() >= last.revision);
        expect(replay.events.map((e) => e.kv.key)).toEqual(['/pf/a/1', '/pf/a/2']);
      });

      it('replays history from an old revision, then continues live without gaps or duplicates', async () => {
        const writes: Promise<unknown>[] = [];
        for (let i = 0; i < 300; i++) writes.push(store.create(`/w/${i}`, encode(`v${i}`)));
        await Promise.all(writes);
        const from = (await store.get('/w/149')).kv!.modRevision;
        const w = record(store, '/w/', from);
        // Writes race with the replay.
        const more: Promise<unknown>[] = [];
        for (let i = 0; i < 300; i++) {
          more.push(
            i % 3 === 0
              ? store.delete(`/w/${i}`)
              : i % 3 === 1
                ? store.create(`/w/new/${i}`, encode('n'))
                : store
                    .get(`/w/${i}`)
                    .then(({ kv }) => store.update(`/w/${i}`, encode('u'), kv!.modRevision)),
          );
        }
        await Promise.all(more);
        const final = await store.currentRevision();
        await waitFor('all events', () => w.lastRevision() >= final);
        const expected = Array.from({ length: final - from }, (_, i) => from + 1 + i);
        expect(w.revisions()).toEqual(expected);
        expect(w.errors).toEqual([]);
        // Replayed and live events look the same.
        const byRevision = new Map(w.events.map((e) => [e.kv.modRevision, e]));
        const deleted0 = [...byRevision.values()].find((e) => e.type === 'delete' && e.kv.key === '/w/0')!;
        expect(eventSummary(deleted0)).toMatchObject({ value: 'v0', prev: { value: 'v0' } });
        const updated2 = [...byRevision.values()].find((e) => e.type === 'update' && e.kv.key === '/w/2')!;
        expect(eventSummary(updated2)).toMatchObject({ value: 'u', prev: { value: 'v2' } });
        w.watcher.close();
      });

      it('replays a long history (more than one read at a time) in order and complete', async () => {
        const from = await store.currentRevision();
        for (let wave = 0; wave < 12; wave++) {
          await Promise.all(
            Array.from({ length: 1000 }, (_, i) => store.create(`/long/${wave}/${i}`, encode('x'))),
          );
        }
        const last = await store.currentRevision();
        const w = record(store, '/long/', from);
        await waitFor('replay', () => w.lastRevision() >= last);
        expect(w.revisions()).toEqual(Array.from({ length: last - from }, (_, i) => from + 1 + i));
      });

      it('a watch from revision 0 replays the whole (uncompacted) history', async () => {
        const a = await store.create('/z/a', encode('1'));
        await store.update('/z/a', encode('2'), a.revision);
        await store.delete('/z/a');
        const last = await store.currentRevision();
        const w = record(store, '/z/', 0);
        await waitFor('replay', () => w.lastRevision() >= last);
        expect(w.events.map((e) => e.type)).toEqual(['create', 'update', 'delete']);
      });

      it('several watchers each get every matching event', async () => {
        const from = await store.currentRevision();
        const watchers = Array.from({ length: 5 }, () => record(store, '/m/', from));
        for (let i = 0; i < 20; i++) await store.create(`/m/${i}`, encode('x'));
        const last = await store.currentRevision();
        for (const w of watchers) {
          await waitFor('events', () => w.lastRevision() >= last);
          expect(w.events).toHaveLength(20);
        }
      });

      it('reports progress as the revision advances, even for writes it does not match', async () => {
        const w = record(store, '/quiet/', await store.currentRevision());
        const { revision } = await store.create('/loud/1', encode('x'));
        await waitFor('progress', () => w.progress.includes(revision));
        expect(w.events).toEqual([]);
      });

      it('delivers nothing after close()', async () => {
        const w = record(store, '/cl/', await store.currentRevision());
        await store.create('/cl/1', encode('x'));
        await waitFor('first event', () => w.events.length === 1);
        w.watcher.close();
        await store.create('/cl/2', encode('x'));
        const probe = record(store, '/cl/', 0);
        await waitFor('the probe to see both', () => probe.events.length === 2);
        expect(w.events).toHaveLength(1);
      });

      it('never skips ahead when a callback closes the store in the middle of a delivery', async () => {
        const from = await store.currentRevision();
        let closing: Promise<void> | undefined;
        let late: Promise<unknown> | undefined;
        store.watch('/n/', from, {
          onEvents: () => {
            if (closing) return;
            // Accepted now, so close() commits it while the first batch is still being handed out.
            late = store.create('/n/late', encode('x')).catch(() => undefined);
            closing = store.close();
          },
        });
        const other = record(store, '/n/', from);
        await store.create('/n/first', encode('x'));
        await closing;
        await late;
        // Whatever it got is a gap-free start of the history.
        expect([from + 1, from + 2].slice(0, other.events.length)).toEqual(other.revisions());
      });

      it('a consumer that throws loses its own watch, not the store', async () => {
        const from = await store.currentRevision();
        const errors: Error[] = [];
        store.watch('/t/', from, {
          onEvents: () => {
            throw new Error('consumer bug');
          },
          onError: (err) => errors.push(err),
        });
        const healthy = record(store, '/t/', from);
        await store.create('/t/1', encode('x'));
        await store.create('/t/2', encode('x'));
        await waitFor('healthy watcher', () => healthy.events.length === 2);
        expect(errors.map((e) => e.message)).toEqual(['consumer bug']);
      });

      it('watching from a compacted revision throws CompactedError; from the compact revision works', async () => {
        let kv = (await store.create('/k/a', encode('0'))).kv;
        for (let i = 1; i <= 10; i++)
          kv = (await store.update('/k/a', encode(String(i)), kv.modRevision)).kv!;
        const target = kv.modRevision - 3;
        await store.compact(target);
        expect(store.compactRevision()).toBe(target);
        expect(() => store.watch('/k/', target - 1, { onEvents: () => {} })).toThrow(CompactedError);
        const w = record(store, '/k/', target);
        await waitFor('replay', () => w.lastRevision() >= kv.modRevision);
        expect(w.events.map((e) => decode(e.kv.value))).toEqual(['8', '9', '10']);
        expect(w.events[0].prevKv && decode(w.events[0].prevKv.value)).toBe('7');
      });
    });

    describe('compaction', () => {
      it('keeps the newest value of every live key and the state at the compact revision', async () => {
        for (let i = 0; i < 20; i++) await store.create(`/cp/${i}`, encode(`v${i}`));
        for (let i = 0; i < 20; i += 2) {
          const { kv } = await store.get(`/cp/${i}`);
          await store.update(`/cp/${i}`, encode(`u${i}`), kv!.modRevision);
        }
        for (let i = 0; i < 20; i += 5) await store.delete(`/cp/${i}`);
        const target = await store.currentRevision();
        const before = await store.list('/cp/');
        await store.create('/cp/after', encode('x'));
        await store.compact(target);
        expect(store.compactRevision()).toBe(target);
        expect((await store.list('/cp/', { revision: target })).kvs.map(summary)).toEqual(
          before.kvs.map(summary),
        );
        expect((await store.list('/cp/')).kvs).toHaveLength(before.kvs.length + 1);
        expect((await store.count('/cp/')).count).toBe(before.kvs.length + 1);
        expect(decode((await store.get('/cp/2')).kv?.value)).toBe('u2');
      });

      it('reads below the compact revision fail with CompactedError', async () => {
        const a = await store.create('/cp/a', encode('1'));
        const b = await store.update('/cp/a', encode('2'), a.revision);
        await store.compact(b.revision);
        await expect(store.get('/cp/a', a.revision)).rejects.toBeInstanceOf(CompactedError);
        await expect(store.list('/cp/', { revision: a.revision })).rejects.toBeInstanceOf(CompactedError);
        expect(decode((await store.get('/cp/a', b.revision)).kv?.value)).toBe('2');
      });

      it('compacting to the past is a no-op and to the future is refused', async () => {
        const { revision } = await store.create('/cp/a', encode('1'));
        await store.compact(revision);
        await store.compact(revision - 1);
        expect(store.compactRevision()).toBe(revision);
        await expect(store.compact(revision + 5)).rejects.toBeInstanceOf(FutureRevisionError);
      });

      it('runs periodically on its own, keeping the configured recent revisions', async () => {
        const auto = await (async () => {
          await store.close();
          return reopen({ compactIntervalMs: 50, compactRetain: 10 });
        })();
        let kv = (await auto.create('/pc/a', encode('0'))).kv;
        for (let i = 1; i <= 100; i++)
          kv = (await auto.update('/pc/a', encode(String(i)), kv.modRevision)).kv!;
        await waitFor('automatic compaction', () => auto.compactRevision() >= kv.modRevision - 10);
        expect(auto.compactRevision()).toBeLessThanOrEqual(kv.modRevision - 10);
        expect(decode((await auto.get('/pc/a')).kv?.value)).toBe('100');
        expect(decode((await auto.get('/pc/a', kv.modRevision - 10)).kv?.value)).toBe('90');
      });
    });

    describe('concurrent writers', () => {
      it('each concurrent write gets its own revision and its own result', async () => {
        const before = await store.currentRevision();
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) => store.create(`/cw/${i}`, encode(`v${i}`))),
        );
        const revisions = results.map((r) => r.revision).sort((a, b) => a - b);
        expect(revisions).toEqual(Array.from({ length: 200 }, (_, i) => before + 1 + i));
        for (const [i, result] of results.entries()) {
          expect(result.kv.key).toBe(`/cw/${i}`);
          expect(decode((await store.get(`/cw/${i}`)).kv?.value)).toBe(`v${i}`);
        }
      });

      it('a refused write does not fail the other writes committed with it', async () => {
        const attempts = await Promise.allSettled([
          ...Array.from({ length: 10 }, (_, i) => store.create('/same', encode(`writer ${i}`))),
          ...Array.from({ length: 10 }, (_, i) => store.create(`/other/${i}`, encode('x'))),
        ]);
        const same = attempts.slice(0, 10);
        expect(same.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
        for (const a of same.filter((a) => a.status === 'rejected')) {
          expect((a as PromiseRejectedResult).reason).toBeInstanceOf(KeyExistsError);
        }
        expect(attempts.slice(10).every((a) => a.status === 'fulfilled')).toBe(true);
      });

      it('of concurrent compare-and-swaps on the same version, exactly one wins', async () => {
        const created = await store.create('/cas', encode('0'));
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.update('/cas', encode(`w${i}`), created.revision)),
        );
        const winners = results.filter((r) => r.succeeded);
        expect(winners).toHaveLength(1);
        for (const loser of results.filter((r) => !r.succeeded)) {
          expect(loser.kv?.modRevision).toBe(winners[0].revision);
        }
        expect(decode((await store.get('/cas')).kv?.value)).toBe(decode(winners[0].kv!.value));
      });

      it('watchers see concurrent writes once each, in revision order', async () => {
        const w = record(store, '/cwo/', await store.currentRevision());
        await Promise.all(Array.from({ length: 100 }, (_, i) => store.create(`/cwo/${i}`, encode('x'))));
        const last = await store.currentRevision();
        await waitFor('events', () => w.lastRevision() >= last);
        const revisions = w.revisions();
        expect(revisions).toHaveLength(100);
        expect([...revisions].sort((a, b) => a - b)).toEqual(revisions);
      });
    });

    describe('lifecycle', () => {
      const durableIt = factory.durable === false ? it.skip : it;

      it('an empty store is at revision 1, so no write is ever revision 0 ("any" in Kubernetes)', async () => {
        expect(await store.currentRevision()).toBe(1);
        expect((await store.create('/first', encode('x'))).revision).toBe(2);
      });

      durableIt('keeps data, revisions and history across a restart', async () => {
        const a = await store.create('/rs/a', encode('1'));
        const a2 = await store.update('/rs/a', encode('2'), a.revision);
        await store.create('/rs/b', encode('b'));
        await store.delete('/rs/b');
        const revision = await store.currentRevision();
        await store.close();
        const again = await reopen();
        expect(await again.currentRevision()).toBe(revision);
        expect(summary((await again.get('/rs/a')).kv)).toEqual(summary(a2.kv));
        expect((await again.get('/rs/b')).kv).toBeUndefined();
        expect(decode((await again.get('/rs/a', a.revision)).kv?.value)).toBe('1');
        const w = record(again, '/rs/', 0);
        await waitFor('replay', () => w.lastRevision() >= revision);
        expect(w.events.map((e) => `${e.type} ${e.kv.key}`)).toEqual([
          'create /rs/a',
          'update /rs/a',
          'create /rs/b',
          'delete /rs/b',
        ]);
        expect((await again.create('/rs/c', encode('c'))).revision).toBe(revision + 1);
      });

      durableIt('never reuses a revision, even after compaction removed the newest rows', async () => {
        await store.create('/nr/a', encode('1'));
        const { revision } = await store.delete('/nr/a');
        await store.compact(revision);
        await store.close();
        const again = await reopen();
        expect(await again.currentRevision()).toBe(revision);
        expect(again.compactRevision()).toBe(revision);
        expect((await again.create('/nr/a', encode('2'))).revision).toBe(revision + 1);
      });

      it('a closed store refuses work and ends its watches', async () => {
        const w = record(store, '/x/', await store.currentRevision());
        await store.close();
        expect(w.errors.map((e) => e.constructor)).toEqual([StoreClosedError]);
        await expect(store.get('/x/a')).rejects.toBeInstanceOf(StoreClosedError);
        await expect(store.create('/x/a', encode('x'))).rejects.toBeInstanceOf(StoreClosedError);
        expect(() => store.watch('/x/', 0, { onEvents: () => {} })).toThrow(StoreClosedError);
      });

      durableIt('writes accepted before close() are committed, not dropped', async () => {
        const pending = Array.from({ length: 50 }, (_, i) => store.create(`/late/${i}`, encode('x')));
        await store.close();
        await Promise.all(pending);
        const again = await reopen();
        expect((await again.count('/late/')).count).toBe(50);
      });

      durableIt('every acknowledged write survives kill -9 in the middle of a write storm', async () => {
        await store.close();
        const child = spawn(
          process.execPath,
          [
            '--import',
            tsxLoader(),
            fileURLToPath(new URL('./conformance-writer.ts', import.meta.url)),
            factory.module,
            dir,
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let stdout = '';
        let stderr = '';
        let lines = 0;
        child.stdout.on('data', (chunk: Buffer) => {
          const text = chunk.toString();
          stdout += text;
          lines += text.split('\n').length - 1;
        });
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
        try {
          // "ready" and then 2000 complete ack lines: the kill lands in the middle of the storm.
          await waitFor('2000 acknowledged writes', () => lines > 2000 || child.exitCode !== null, 120_000);
        } finally {
          child.kill('SIGKILL');
          await exited;
        }
        expect(child.signalCode, `writer died on its own: ${stderr}`).toBe('SIGKILL');

        // Only complete lines were acknowledged; a torn last line was not.
        const acks = stdout
          .split('\n')
          .slice(0, -1)
          .filter((line) => line.startsWith('ack '))
          .map((line) => {
            const [, op, key, revision] = line.split(' ');
            return { op, key, revision: Number(revision) };
          });
        expect(acks.length).toBeGreaterThanOrEqual(2000);

        if (factory.checkIntegrity) expect(await factory.checkIntegrity(dir)).toEqual([]);
        const after = await reopen();
        expect(await after.currentRevision()).toBeGreaterThanOrEqual(
          Math.max(...acks.map((a) => a.revision)),
        );
        const latestUpdate = new Map<string, number>();
        const problems: string[] = [];
        for (const { op, key, revision } of acks) {
          const { kv } = await after.get(key);
          if (
            op === 'create' &&
            (kv?.modRevision !== revision || decode(kv.value) !== `value-${key.slice(7)}`)
          ) {
            problems.push(`create ${key}@${revision} lost: ${JSON.stringify(summary(kv))}`);
          }
          if (op === 'delete' && kv) problems.push(`delete ${key}@${revision} lost`);
          if (op === 'update') latestUpdate.set(key, Math.max(latestUpdate.get(key) ?? 0, revision));
        }
        for (const [key, revision] of latestUpdate) {
          // A later update may have committed without being acknowledged; never an older one.
          const { kv } = await after.get(key);
          if (!kv || kv.modRevision < revision) problems.push(`update ${key}@${revision} lost`);
        }
        expect(problems).toEqual([]);
      });
    });
  });
}

/** The tsx loader as a URL, so the child resolves it no matter its working directory. */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}
