import { afterEach, describe, expect, it } from 'vitest';
import { CompactedError, FutureRevisionError, KeyExistsError, StoreClosedError } from '../errors.ts';
import type { Backend, WatchEvent } from '../types.ts';
import { createMemoryBackend } from './index.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

let backend: Backend;
afterEach(async () => {
  await backend?.close();
});

async function open(compactIntervalMs = 0, compactRetain = 10): Promise<Backend> {
  backend = createMemoryBackend({ compactIntervalMs, compactRetain });
  await backend.start();
  return backend;
}

/** Collects watch events until `n` have arrived. */
function collect(b: Backend, prefix: string, after: number) {
  const events: WatchEvent[] = [];
  let wake: () => void = () => {};
  const w = b.watch(prefix, after, {
    onEvents: (evs) => {
      events.push(...evs);
      wake();
    },
  });
  const until = (n: number) =>
    new Promise<WatchEvent[]>((resolve) => {
      const check = () => (events.length >= n ? resolve(events) : undefined);
      wake = check;
      check();
    });
  return { events, until, close: () => w.close() };
}

describe('memory backend', () => {
  it('gives every write the next revision and tracks create and mod revisions', async () => {
    const b = await open();
    const start = await b.currentRevision();
    const c = await b.create('/a', enc('1'));
    expect(c.revision).toBe(start + 1);
    expect(c.kv).toMatchObject({ key: '/a', createRevision: start + 1, modRevision: start + 1 });
    const u = await b.update('/a', enc('2'), c.kv.modRevision);
    expect(u.succeeded).toBe(true);
    expect(u.kv).toMatchObject({ createRevision: start + 1, modRevision: start + 2 });
    const g = await b.get('/a');
    expect(dec(g.kv!.value)).toBe('2');
    expect(g.revision).toBe(start + 2);
  });

  it('refuses to create an existing key and allows re-creating a deleted one', async () => {
    const b = await open();
    await b.create('/a', enc('1'));
    await expect(b.create('/a', enc('2'))).rejects.toBeInstanceOf(KeyExistsError);
    const d = await b.delete('/a');
    expect(d.succeeded).toBe(true);
    expect(dec(d.prevKv!.value)).toBe('1');
    const again = await b.create('/a', enc('3'));
    expect(again.kv.createRevision).toBe(again.revision);
  });

  it('compares and swaps on modRevision', async () => {
    const b = await open();
    const c = await b.create('/a', enc('1'));
    await b.update('/a', enc('2'), c.kv.modRevision);
    const stale = await b.update('/a', enc('3'), c.kv.modRevision);
    expect(stale.succeeded).toBe(false);
    expect(dec(stale.kv!.value)).toBe('2');
    const missing = await b.update('/nope', enc('x'), 1);
    expect(missing).toMatchObject({ succeeded: false, kv: undefined });
    const badDelete = await b.delete('/a', c.kv.modRevision);
    expect(badDelete.succeeded).toBe(false);
    expect(dec(badDelete.prevKv!.value)).toBe('2');
    expect((await b.delete('/nope')).succeeded).toBe(false);
  });

  it('lists a prefix in key order with limit, startKey and more', async () => {
    const b = await open();
    for (const k of ['/p/c', '/p/a', '/q/a', '/p/b', '/pz']) await b.create(k, enc(k));
    const all = await b.list('/p/');
    expect(all.kvs.map((kv) => kv.key)).toEqual(['/p/a', '/p/b', '/p/c']);
    expect(all.more).toBe(false);
    const page = await b.list('/p/', { limit: 2 });
    expect(page.kvs.map((kv) => kv.key)).toEqual(['/p/a', '/p/b']);
    expect(page.more).toBe(true);
    const next = await b.list('/p/', { startKey: '/p/b\x00', limit: 2 });
    expect(next.kvs.map((kv) => kv.key)).toEqual(['/p/c']);
    expect(next.more).toBe(false);
    expect((await b.count('/p/')).count).toBe(3);
  });

  it('reads as of an old revision', async () => {
    const b = await open();
    const c = await b.create('/p/a', enc('1'));
    await b.update('/p/a', enc('2'), c.revision);
    await b.create('/p/b', enc('b'));
    await b.delete('/p/a');
    expect(dec((await b.get('/p/a', c.revision)).kv!.value)).toBe('1');
    const old = await b.list('/p/', { revision: c.revision });
    expect(old.kvs.map((kv) => dec(kv.value))).toEqual(['1']);
    expect(old.revision).toBe(c.revision);
    expect((await b.list('/p/')).kvs.map((kv) => kv.key)).toEqual(['/p/b']);
    await expect(b.get('/p/a', 1000)).rejects.toBeInstanceOf(FutureRevisionError);
  });

  it('compaction keeps the latest state and makes older revisions unreadable', async () => {
    const b = await open();
    const c = await b.create('/p/a', enc('1'));
    const u = await b.update('/p/a', enc('2'), c.revision);
    await b.create('/p/gone', enc('x'));
    const d = await b.delete('/p/gone');
    await b.compact(d.revision);
    expect(b.compactRevision()).toBe(d.revision);
    await expect(b.get('/p/a', c.revision)).rejects.toBeInstanceOf(CompactedError);
    await expect(b.list('/p/', { revision: u.revision })).rejects.toBeInstanceOf(CompactedError);
    expect(() => b.watch('/p/', c.revision, { onEvents: () => {} })).toThrow(CompactedError);
    const now = await b.list('/p/', { revision: d.revision });
    expect(now.kvs.map((kv) => dec(kv.value))).toEqual(['2']);
    expect((await b.get('/p/gone')).kv).toBeUndefined();
  });

  it('compacts on its own, keeping a window of recent history', async () => {
    const b = await open(20, 10);
    const c = await b.create('/a', enc('0'));
    let rev = c.revision;
    for (let i = 1; i <= 30; i++) rev = (await b.update('/a', enc(String(i)), rev)).revision;
    while (b.compactRevision() < rev - 10) await new Promise((r) => setTimeout(r, 10));
    expect(b.compactRevision()).toBe(rev - 10);
    expect(dec((await b.get('/a')).kv!.value)).toBe('30');
    await expect(b.get('/a', c.revision)).rejects.toBeInstanceOf(CompactedError);
  });

  it('watch replays history after a revision, then delivers live events, without gaps or duplicates', async () => {
    const b = await open();
    const c = await b.create('/p/a', enc('1'));
    await b.create('/other', enc('x'));
    await b.update('/p/a', enc('2'), c.revision);
    const w = collect(b, '/p/', c.revision - 1);
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) writes.push(b.create(`/p/k${i}`, enc(String(i))));
    await Promise.all(writes);
    await b.delete('/p/a');
    const events = await w.until(23);
    w.close();
    expect(events.map((e) => e.type)).toEqual(['create', 'update', ...Array(20).fill('create'), 'delete']);
    const revs = events.map((e) => e.kv.modRevision);
    expect(revs).toEqual([...revs].sort((x, y) => x - y));
    expect(new Set(revs).size).toBe(revs.length);
    const del = events[22]!;
    expect(dec(del.kv.value)).toBe('2');
    expect(dec(del.prevKv!.value)).toBe('2');
    expect(del.kv.modRevision).toBeGreaterThan(del.prevKv!.modRevision);
    expect(dec(events[1]!.prevKv!.value)).toBe('1');
  });

  it('reports progress after delivering the events up to that revision', async () => {
    const b = await open();
    const seen: string[] = [];
    const start = await b.currentRevision();
    const progress = new Promise<number>((resolve) => {
      b.watch('/p/', start, {
        onEvents: (evs) => seen.push(...evs.map((e) => e.kv.key)),
        onProgress: (rev) => {
          if (seen.length > 0) resolve(rev);
        },
      });
    });
    await b.create('/other', enc('x'));
    const c = await b.create('/p/a', enc('1'));
    expect(await progress).toBeGreaterThanOrEqual(c.revision);
    expect(seen).toEqual(['/p/a']);
  });

  it('stops delivering after close and rejects calls after the backend is closed', async () => {
    const b = await open();
    const w = collect(b, '/', 0);
    w.close();
    await b.create('/a', enc('1'));
    await new Promise((r) => setImmediate(r));
    expect(w.events).toEqual([]);
    await b.close();
    await expect(b.get('/a')).rejects.toBeInstanceOf(StoreClosedError);
  });
});
