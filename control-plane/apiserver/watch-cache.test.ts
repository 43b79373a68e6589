// The watch cache over real backends: it answers only when it has every revision the store has,
// and then it answers what a live read would.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../storage/types.ts';
import { backendCases, eventually } from './registry/testing/harness.ts';
import { WatchCache } from './watch-cache.ts';

const bytes = (s: string) => Buffer.from(s);
const text = (v: Uint8Array) => Buffer.from(v).toString();

describe.each(backendCases)('WatchCache ($name)', (bc) => {
  let backend: Backend;
  let cleanup: () => Promise<void>;
  let changes: string[];
  let cache: WatchCache<string>;

  beforeEach(async () => {
    ({ backend, cleanup } = await bc.open());
    changes = [];
    cache = new WatchCache<string>({
      backend,
      prefix: '/registry/core/things/',
      // Values starting with "skip" are not kept, like unbound pods in the node index.
      project: (kv) => (text(kv.value).startsWith('skip') ? undefined : text(kv.value)),
      onChange: (key, before, after) => changes.push(`${key.split('/').pop()} ${before} -> ${after}`),
    });
  });
  afterEach(async () => {
    cache.close();
    await cleanup();
  });

  const children = (ns: string) => cache.ifCurrent((v) => v.children(`/registry/core/things/${ns}/`));

  it('answers nothing until it has listed and watches, then what the store holds, by namespace and key', async () => {
    await backend.create('/registry/core/things/a/y', bytes('y1'));
    await backend.create('/registry/core/things/a/x', bytes('x1'));
    await backend.create('/registry/core/things/ab/z', bytes('z1'));
    await backend.create('/registry/core/other/a/x', bytes('no'));
    expect(await children('a')).toBeUndefined(); // the first read starts it
    expect(await eventually('the cache', () => children('a'))).toEqual(['x1', 'y1']);
    expect(await children('ab')).toEqual(['z1']);
    expect(await cache.ifCurrent((v) => v.get('/registry/core/things/ab/z'))).toBe('z1');
    expect(await cache.ifCurrent((v) => v.get('/registry/core/things/ab/none'))).toBeUndefined();
  });

  it('sees every write that has resolved, at once: create, update, delete', async () => {
    await eventually('the cache', () => children('a'));
    const { kv } = await backend.create('/registry/core/things/a/x', bytes('x1'));
    expect(await children('a')).toEqual(['x1']);
    await backend.update('/registry/core/things/a/x', bytes('x2'), kv.modRevision);
    expect(await children('a')).toEqual(['x2']);
    await backend.delete('/registry/core/things/a/x');
    expect(await children('a')).toEqual([]);
    expect(changes).toEqual(['x undefined -> x1', 'x x1 -> x2', 'x x2 -> undefined']);
  });

  it('keeps only what the projection keeps, and tells of values leaving it', async () => {
    await eventually('the cache', () => children('a'));
    const { kv } = await backend.create('/registry/core/things/a/p', bytes('skip: pending'));
    expect(await children('a')).toEqual([]);
    await backend.update('/registry/core/things/a/p', bytes('bound'), kv.modRevision);
    expect(await children('a')).toEqual(['bound']);
    const { kv: next } = await backend.get('/registry/core/things/a/p');
    await backend.update('/registry/core/things/a/p', bytes('skip again'), next!.modRevision);
    expect(await children('a')).toEqual([]);
    expect(changes).toEqual(['p undefined -> bound', 'p bound -> undefined']);
  });

  it('does not answer while the store has a revision its watch has not delivered', async () => {
    await eventually('the cache', () => children('a'));
    // Not awaited: SQLite commits it on a later turn (so a live read does not see it yet either);
    // the memory store applies it at once and tells its watchers a turn later, like a lagging
    // etcd watch: the cache must then decline rather than answer without it.
    const written = backend.create('/registry/core/things/a/racy', bytes('r1'));
    const live = (await backend.list('/registry/core/things/a/')).kvs.map((kv) => text(kv.value));
    const answer = await children('a');
    if (answer !== undefined) expect(answer).toEqual(live);
    if (bc.name === 'memory') expect(answer).toBeUndefined();
    await written;
    expect(await children('a')).toEqual(['r1']);
  });

  it('stops answering when the store closes, and tells its indexes everything is gone', async () => {
    await backend.create('/registry/core/things/a/x', bytes('x1'));
    await eventually('the cache', () => children('a'));
    await backend.close();
    expect(await cache.ifCurrent(() => 'served').catch(() => 'failed')).not.toBe('served');
    expect(changes).toEqual(['x undefined -> x1', 'x x1 -> undefined']);
  });
});
