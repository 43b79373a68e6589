// The SQLite backend against the conformance suite, plus what only SQLite promises.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBackendConformance } from './conformance.ts';
import { openSqliteBackend, type SqliteBackend } from './index.ts';
import { backendFactory } from './sqlite/conformance-factory.ts';

runBackendConformance('sqlite', backendFactory);

describe('sqlite backend', () => {
  let dir: string;
  let opened: SqliteBackend[];
  const open = async (options: Partial<Parameters<typeof openSqliteBackend>[0]> = {}) => {
    const backend = await openSqliteBackend({
      path: join(dir, 'store.db'),
      compactIntervalMs: 0,
      ...options,
    });
    opened.push(backend);
    return backend;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-sqlite-'));
    opened = [];
  });
  afterEach(async () => {
    for (const backend of opened) await backend.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second opener of the same file instead of sharing it', async () => {
    await open();
    await expect(open()).rejects.toThrow(/in use by another process/);
  });

  it('the data file stops growing under steady churn with compaction', async () => {
    const store = await open();
    const value = new Uint8Array(2048).fill(7);
    const keys = Array.from({ length: 100 }, (_, i) => `/churn/${i}`);
    for (const key of keys) await store.create(key, value);
    const sizes: number[] = [];
    for (let round = 0; round < 12; round++) {
      // Every round rewrites every key 10 times, then keeps only the last 200 revisions.
      for (let pass = 0; pass < 10; pass++) {
        await Promise.all(
          keys.map(async (key) => {
            const { kv } = await store.get(key);
            await store.update(key, value, kv!.modRevision);
          }),
        );
      }
      await store.compact((await store.currentRevision()) - 200);
      store.checkpoint('TRUNCATE'); // measure the database file itself, not how full the WAL is
      sizes.push(await store.dbSize());
    }
    // The first rounds find the working size; after that, freed pages are reused.
    expect(Math.max(...sizes.slice(4))).toBeLessThanOrEqual(sizes[3] * 1.25);
  });

  it('hands space back after most of the data is deleted', async () => {
    const store = await open();
    const value = new Uint8Array(4096).fill(1);
    await Promise.all(Array.from({ length: 2000 }, (_, i) => store.create(`/big/${i}`, value)));
    store.checkpoint('TRUNCATE');
    const full = await store.dbSize();
    await Promise.all(Array.from({ length: 1990 }, (_, i) => store.delete(`/big/${i}`)));
    await store.compact(await store.currentRevision());
    // Vacuum runs in small steps after compaction; wait for the file to shrink.
    const deadline = Date.now() + 60_000;
    while ((store.checkpoint('TRUNCATE'), await store.dbSize()) > full / 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await store.dbSize()).toBeLessThan(full / 2);
    expect((await store.count('/big/')).count).toBe(10);
  });

  it('ends a replaying watch with CompactedError when compaction overtakes it', async () => {
    // One compaction step covers everything, so it passes the replay after its first chunk.
    const store = await open({ compactBatch: Number.MAX_SAFE_INTEGER });
    for (let wave = 0; wave < 12; wave++) {
      await Promise.all(
        Array.from({ length: 1000 }, (_, i) => store.create(`/r/${wave}/${i}`, new Uint8Array(1))),
      );
    }
    const events: number[] = [];
    const errors: Error[] = [];
    store.watch('/r/', 1, {
      onEvents: (batch) => events.push(...batch.map((e) => e.kv.modRevision)),
      onError: (err) => errors.push(err),
    });
    await store.compact(await store.currentRevision());
    const deadline = Date.now() + 60_000;
    while (errors.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(errors.map((e) => e.name)).toEqual(['CompactedError']);
    // What it did deliver is a gap-free start of the history.
    expect(events).toEqual(Array.from({ length: events.length }, (_, i) => 2 + i));
    expect(events.length).toBeLessThan(12_000);
  });

  it('backs up to a consistent copy while writes go on', async () => {
    const store = await open();
    await Promise.all(Array.from({ length: 1000 }, (_, i) => store.create(`/bk/${i}`, new Uint8Array(512))));
    const copy = join(dir, 'copy.db');
    const writing = Promise.all(
      Array.from({ length: 200 }, (_, i) => store.create(`/bk/more/${i}`, new Uint8Array(1))),
    );
    await store.backup(copy);
    await writing;
    const restored = await open({ path: copy });
    const revision = await restored.currentRevision();
    // Whatever revision the copy holds, it holds all of it.
    expect((await restored.count('/bk/')).count).toBe(revision - 1);
    expect((await restored.list('/bk/', { limit: 1 })).kvs[0].key).toBe('/bk/0');
  });

  it('batches concurrent writes into shared transactions', async () => {
    const store = await open();
    await Promise.all(Array.from({ length: 500 }, (_, i) => store.create(`/b/${i}`, new Uint8Array(10))));
    const stats = store.stats();
    expect(stats.writes).toBe(500);
    expect(stats.batches).toBeLessThan(50);
  });
});
