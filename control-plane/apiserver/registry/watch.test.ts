import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendCases, configMap, ctx, openHarness, recordWatch, type Harness } from './testing/harness.ts';
import { initialEventsEndAnnotation } from './watch.ts';

describe.each(backendCases)('watch ($name)', (bc) => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness(bc, { bookmarkIntervalMs: 50 });
  });
  afterEach(() => h.close());

  it('from a resourceVersion: every later change once, in order, with the full object', async () => {
    const cms = h.r('/v1/configmaps');
    const a = await cms.create(ctx(), 'default', configMap('a', { v: '1' }));
    const w = await recordWatch(cms, 'default', { resourceVersion: a.metadata!.resourceVersion });
    await cms.update(ctx(), 'default', 'a', configMap('a', { v: '2' }));
    await cms.create(ctx(), 'default', configMap('b'));
    await cms.delete(ctx(), 'default', 'a', {});
    await w.until('3 events', () => w.events.length >= 3);
    expect(w.summary()).toEqual(['MODIFIED a', 'ADDED b', 'DELETED a']);
    expect(w.events[0]!.object.data).toEqual({ v: '2' });
    expect(w.events[0]!.object).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
    // A DELETED event carries the last state at the deletion's revision.
    const del = w.events[2]!.object;
    expect(del.data).toEqual({ v: '2' });
    expect(Number(del.metadata!.resourceVersion)).toBe(await h.backend.currentRevision());
    w.close();
  });

  it('resourceVersion "" and "0" start with the current state as ADDED, then go live', async () => {
    const cms = h.r('/v1/configmaps');
    await cms.create(ctx(), 'default', configMap('a'));
    await cms.create(ctx(), 'default', configMap('b'));
    const existing = ['ADDED a', 'ADDED b'];
    for (const resourceVersion of ['', '0']) {
      const w = await recordWatch(cms, 'default', { resourceVersion });
      expect(w.summary()).toEqual(existing);
      const name = `live${resourceVersion || '-unset'}`;
      await cms.create(ctx(), 'default', configMap(name));
      await w.until('live event', () => w.events.length === existing.length + 1);
      expect(w.summary().at(-1)).toBe(`ADDED ${name}`);
      existing.push(`ADDED ${name}`);
      w.close();
    }
  });

  it('misses and repeats nothing under concurrent writes', async () => {
    const cms = h.r('/v1/configmaps');
    await cms.create(ctx(), 'default', configMap('seed'));
    const start = await h.backend.currentRevision();
    const writes = Array.from({ length: 40 }, (_, i) => cms.create(ctx(), 'default', configMap(`c${i}`)));
    // One watch starts in the middle of the writes, one after: both must see exactly the writes after `start`.
    const early = await recordWatch(cms, 'default', { resourceVersion: String(start) });
    await Promise.all(writes.slice(0, 20));
    const mid = await recordWatch(cms, '', { resourceVersion: String(start) });
    const updates = Array.from({ length: 20 }, (_, i) =>
      cms.update(ctx(), 'default', `c${i}`, configMap(`c${i}`, { v: '1' })),
    );
    await Promise.all([...writes, ...updates]);
    for (const w of [early, mid]) {
      await w.until('60 events', () => w.events.length >= 60);
      const revisions = w.events.map((e) => Number(e.object.metadata!.resourceVersion));
      expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
      expect(new Set(revisions).size).toBe(60);
      expect(revisions[0]).toBe(start + 1);
      expect(w.events.filter((e) => e.type === 'ADDED')).toHaveLength(40);
      expect(w.events.filter((e) => e.type === 'MODIFIED')).toHaveLength(20);
      w.close();
    }
  });

  it('turns selector transitions into ADDED and DELETED, like the cacher', async () => {
    const cms = h.r('/v1/configmaps');
    const x = await cms.create(ctx(), 'default', configMap('x', {}, { app: 'web' }));
    const w = await recordWatch(cms, 'default', {
      resourceVersion: x.metadata!.resourceVersion,
      labelSelector: 'app=web',
    });
    await cms.create(ctx(), 'default', configMap('y', {}, { app: 'db' }));
    await cms.update(ctx(), 'default', 'x', configMap('x', { v: '1' }, { app: 'web' }));
    const left = await cms.update(ctx(), 'default', 'x', configMap('x', { v: '2' }, { app: 'db' }));
    await cms.update(ctx(), 'default', 'y', configMap('y', {}, { app: 'web' }));
    await cms.delete(ctx(), 'default', 'x', {});
    await cms.delete(ctx(), 'default', 'y', {});
    await w.until('4 events', () => w.events.length >= 4);
    expect(w.summary()).toEqual(['MODIFIED x', 'DELETED x', 'ADDED y', 'DELETED y']);
    // Leaving the selection: the previous state (still matching) at the new revision.
    expect(w.events[1]!.object.metadata!.labels).toEqual({ app: 'web' });
    expect(w.events[1]!.object.metadata!.resourceVersion).toBe(left.metadata!.resourceVersion);
    w.close();
  });

  it('filters on field selectors and namespaces', async () => {
    const cms = h.r('/v1/configmaps');
    await h.r('/v1/namespaces').create(ctx(), '', { metadata: { name: 'other' } });
    const w = await recordWatch(cms, '', { fieldSelector: 'metadata.namespace=other' });
    const one = await recordWatch(cms, 'default', { fieldSelector: 'metadata.name=pick' });
    await cms.create(ctx(), 'default', configMap('pick'));
    await cms.create(ctx(), 'default', configMap('pickle'));
    await cms.create(ctx(), 'other', configMap('pick'));
    await w.until('other', () => w.events.length >= 1);
    await one.until('pick', () => one.events.length >= 1);
    await cms.create(ctx(), 'default', configMap('z'));
    await cms.create(ctx(), 'other', configMap('z'));
    await w.until('other z', () => w.events.length >= 2);
    expect(w.events.map((e) => `${e.object.metadata!.namespace}/${e.object.metadata!.name}`)).toEqual([
      'other/pick',
      'other/z',
    ]);
    expect(one.events.map((e) => `${e.object.metadata!.namespace}/${e.object.metadata!.name}`)).toEqual([
      'default/pick',
    ]);
    w.close();
    one.close();
  });

  it('a compacted resourceVersion ends with an ERROR event carrying 410 Expired', async () => {
    const cms = h.r('/v1/configmaps');
    const a = await cms.create(ctx(), 'default', configMap('a'));
    await cms.update(ctx(), 'default', 'a', configMap('a', { v: '1' }));
    const current = await h.backend.currentRevision();
    await h.backend.compact(current);
    const old = Number(a.metadata!.resourceVersion);
    const w = await recordWatch(cms, 'default', { resourceVersion: String(old) });
    await w.until('close', () => w.closed !== undefined);
    expect(w.events).toHaveLength(1);
    expect(w.events[0]!.type).toBe('ERROR');
    expect(w.events[0]!.object).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      code: 410,
      reason: 'Expired',
      message: `too old resource version: ${old} (${current})`,
    });
    expect(w.closed!.err).toBeUndefined();
  });

  it('sends bookmarks with the current revision when allowed, and none otherwise', async () => {
    const cms = h.r('/v1/configmaps');
    const start = await h.backend.currentRevision();
    const w = await recordWatch(cms, 'default', {
      resourceVersion: String(start),
      allowWatchBookmarks: true,
    });
    const quiet = await recordWatch(cms, 'default', { resourceVersion: String(start) });
    await h.r('/v1/secrets').create(ctx(), 'default', { metadata: { name: 's' } });
    const now = await h.backend.currentRevision();
    await w.until('a bookmark at the new revision', () =>
      w.events.some((e) => e.type === 'BOOKMARK' && e.object.metadata!.resourceVersion === String(now)),
    );
    const bookmark = w.events.find((e) => e.type === 'BOOKMARK')!.object;
    expect(bookmark).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { resourceVersion: expect.any(String) },
    });
    expect(quiet.events).toEqual([]);
    w.close();
    quiet.close();
  });

  it('sendInitialEvents: the state as ADDED, then a bookmark marking the end of it', async () => {
    const cms = h.r('/v1/configmaps');
    await cms.create(ctx(), 'default', configMap('a'));
    const w = await recordWatch(cms, 'default', {
      sendInitialEvents: true,
      resourceVersionMatch: 'NotOlderThan',
      allowWatchBookmarks: true,
    });
    expect(w.summary().slice(0, 2)).toEqual(['ADDED a', `BOOKMARK ${await h.backend.currentRevision()}`]);
    expect(w.events[1]!.object.metadata!.annotations).toEqual({ [initialEventsEndAnnotation]: 'true' });
    w.close();
  });

  it('timeoutSeconds ends the stream, after a last bookmark', async () => {
    const cms = h.r('/v1/configmaps');
    const w = await recordWatch(cms, 'default', {
      timeoutSeconds: 1,
      allowWatchBookmarks: true,
      resourceVersion: '1',
    });
    await w.until('close', () => w.closed !== undefined);
    expect(w.events.at(-1)!.type).toBe('BOOKMARK');
    expect(w.closed!.err).toBeUndefined();
  });

  it('delivers nothing after close()', async () => {
    const cms = h.r('/v1/configmaps');
    const w = await recordWatch(cms, 'default', { allowWatchBookmarks: true });
    const probe = await recordWatch(cms, 'default', {});
    w.close();
    await cms.create(ctx(), 'default', configMap('after'));
    await probe.until('the probe sees it', () => probe.events.length === 1);
    expect(w.events).toEqual([]);
    expect(w.closed).toBeUndefined();
    probe.close();
  });
});
