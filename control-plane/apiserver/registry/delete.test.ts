import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  backendCases,
  configMap,
  ctx,
  deployment,
  openHarness,
  pod,
  recordWatch,
  statusOf,
  type Harness,
} from './testing/harness.ts';

describe.each(backendCases)('delete ($name)', (bc) => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness(bc);
  });
  afterEach(() => h.close());

  it('removes an object without finalizers at once and returns its last state', async () => {
    const cms = h.r('/v1/configmaps');
    const created = await cms.create(ctx(), 'default', configMap('c', { a: '1' }));
    const deleted = await cms.delete(ctx(), 'default', 'c', {});
    expect(deleted).toEqual(created);
    expect((await statusOf(cms.get(ctx(), 'default', 'c'))).code).toBe(404);
    const again = await statusOf(cms.delete(ctx(), 'default', 'c', {}));
    expect(again.status).toMatchObject({ code: 404, message: 'configmaps "c" not found' });
  });

  it('checks uid and resourceVersion preconditions with upstream messages', async () => {
    const cms = h.r('/v1/configmaps');
    const created = await cms.create(ctx(), 'default', configMap('c'));
    const uid = await statusOf(cms.delete(ctx(), 'default', 'c', { preconditions: { uid: 'other' } }));
    expect(uid.status).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on ConfigMap "c": the UID in the precondition (other) does not match the UID in record (${created.metadata!.uid}). The object might have been deleted and then recreated`,
    });
    const rv = await statusOf(cms.delete(ctx(), 'default', 'c', { preconditions: { resourceVersion: '1' } }));
    expect(rv.message).toBe(
      `Operation cannot be fulfilled on ConfigMap "c": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${created.metadata!.resourceVersion}). The object might have been modified`,
    );
    await cms.delete(ctx(), 'default', 'c', {
      preconditions: { uid: created.metadata!.uid, resourceVersion: created.metadata!.resourceVersion },
    });
    expect((await statusOf(cms.get(ctx(), 'default', 'c'))).code).toBe(404);
  });

  it('waits for finalizers: deletionTimestamp set, object kept until the last one goes', async () => {
    const cms = h.r('/v1/configmaps');
    const cm = configMap('c');
    cm.metadata!.finalizers = ['example.com/a', 'example.com/b'];
    await cms.create(ctx(), 'default', cm);
    h.clock.advance(5);
    const marked = await cms.delete(ctx(), 'default', 'c', {});
    expect(marked.metadata).toMatchObject({
      deletionTimestamp: '2026-01-01T00:00:05Z',
      deletionGracePeriodSeconds: 0,
    });
    h.clock.advance(5);
    const second = await cms.delete(ctx(), 'default', 'c', {});
    expect(second.metadata!.deletionTimestamp).toBe('2026-01-01T00:00:05Z');
    expect(second.metadata!.resourceVersion).toBe(marked.metadata!.resourceVersion);
    const one = await cms.update(ctx(), 'default', 'c', {
      ...second,
      metadata: { ...second.metadata, finalizers: ['example.com/b'] },
    });
    expect(one.metadata!.finalizers).toEqual(['example.com/b']);
    await cms.patch(ctx(), 'default', 'c', 'json', [{ op: 'remove', path: '/metadata/finalizers' }]);
    expect((await statusOf(cms.get(ctx(), 'default', 'c'))).code).toBe(404);
  });

  it('deletes an unbound pod at once and a bound one gracefully', async () => {
    const pods = h.r('/v1/pods');
    await pods.create(ctx(), 'default', pod('pending'));
    await pods.delete(ctx(), 'default', 'pending', {});
    expect((await statusOf(pods.get(ctx(), 'default', 'pending'))).code).toBe(404);

    await pods.create(
      ctx(),
      'default',
      pod('running', { nodeName: 'n1', terminationGracePeriodSeconds: 30 }),
    );
    const w = await recordWatch(pods, 'default', {
      resourceVersion: String(await h.backend.currentRevision()),
    });
    const terminating = await pods.delete(ctx(), 'default', 'running', {});
    expect(terminating.metadata).toMatchObject({
      deletionTimestamp: '2026-01-01T00:00:30Z',
      deletionGracePeriodSeconds: 30,
    });
    expect((await pods.get(ctx(), 'default', 'running')).metadata!.deletionTimestamp).toBe(
      '2026-01-01T00:00:30Z',
    );
    // A longer or equal grace period changes nothing; a shorter one moves the deadline.
    const same = await pods.delete(ctx(), 'default', 'running', { gracePeriodSeconds: 60 });
    expect(same.metadata!.resourceVersion).toBe(terminating.metadata!.resourceVersion);
    const shorter = await pods.delete(ctx(), 'default', 'running', { gracePeriodSeconds: 10 });
    expect(shorter.metadata).toMatchObject({
      deletionTimestamp: '2026-01-01T00:00:10Z',
      deletionGracePeriodSeconds: 10,
    });
    // The kubelet, once the containers are gone.
    await pods.delete(ctx(), 'default', 'running', { gracePeriodSeconds: 0 });
    expect((await statusOf(pods.get(ctx(), 'default', 'running'))).code).toBe(404);
    await w.until('DELETED', () => w.events.some((e) => e.type === 'DELETED'));
    expect(w.summary()).toEqual(['MODIFIED running', 'MODIFIED running', 'DELETED running']);
  });

  it('takes the pod grace period from the request, then the spec, and 0 for finished pods', async () => {
    const pods = h.r('/v1/pods');
    await pods.create(ctx(), 'default', pod('a', { nodeName: 'n1', terminationGracePeriodSeconds: 45 }));
    expect((await pods.delete(ctx(), 'default', 'a', {})).metadata!.deletionGracePeriodSeconds).toBe(45);
    await pods.create(ctx(), 'default', pod('b', { nodeName: 'n1' }));
    expect(
      (await pods.delete(ctx(), 'default', 'b', { gracePeriodSeconds: 3 })).metadata!
        .deletionGracePeriodSeconds,
    ).toBe(3);
    const done = await pods.create(ctx(), 'default', pod('c', { nodeName: 'n1' }));
    await pods.update(ctx(), 'default', 'c', { ...done, status: { phase: 'Succeeded' } }, 'status');
    await pods.delete(ctx(), 'default', 'c', {});
    expect((await statusOf(pods.get(ctx(), 'default', 'c'))).code).toBe(404);
  });

  it('records propagationPolicy as the garbage collector finalizers', async () => {
    const deps = h.r('apps/v1/deployments');
    await deps.create(ctx(), 'default', deployment('fg'));
    const fg = await deps.delete(ctx(), 'default', 'fg', { propagationPolicy: 'Foreground' });
    expect(fg.metadata).toMatchObject({ finalizers: ['foregroundDeletion'], deletionGracePeriodSeconds: 0 });
    expect(fg.metadata!.deletionTimestamp).toBeDefined();
    await deps.create(ctx(), 'default', deployment('orphan'));
    const orphan = await deps.delete(ctx(), 'default', 'orphan', { propagationPolicy: 'Orphan' });
    expect(orphan.metadata!.finalizers).toEqual(['orphan']);
    await deps.create(ctx(), 'default', deployment('bg'));
    await deps.delete(ctx(), 'default', 'bg', { propagationPolicy: 'Background' });
    expect((await statusOf(deps.get(ctx(), 'default', 'bg'))).code).toBe(404);
    const bad = await statusOf(
      deps.delete(ctx(), 'default', 'fg', { propagationPolicy: 'Sideways' as never }),
    );
    expect(bad.code).toBe(422);
  });

  it('dry run changes nothing', async () => {
    const pods = h.r('/v1/pods');
    await pods.create(ctx(), 'default', pod('p'));
    await h.r('/v1/configmaps').create(ctx(), 'default', configMap('c'));
    const before = await h.backend.currentRevision();
    const dry = await h.r('/v1/configmaps').delete(ctx({ dryRun: true }), 'default', 'c', {});
    expect(dry.metadata!.name).toBe('c');
    await pods.delete(ctx({ dryRun: true }), 'default', 'p', {});
    expect(await h.backend.currentRevision()).toBe(before);
    await h.r('/v1/configmaps').get(ctx(), 'default', 'c');
  });

  it('deletecollection deletes what the selectors match and returns it', async () => {
    const cms = h.r('/v1/configmaps');
    for (const [name, app] of [
      ['a', 'web'],
      ['b', 'web'],
      ['c', 'db'],
    ]) {
      await cms.create(ctx(), 'default', configMap(name!, {}, { app: app! }));
    }
    const deleted = await cms.deleteCollection(ctx(), 'default', { labelSelector: 'app=web' }, {});
    expect(deleted.kind).toBe('ConfigMapList');
    expect(deleted.items.map((o: any) => o.metadata.name)).toEqual(['a', 'b']);
    const left = await cms.list(ctx(), 'default', {});
    expect(left.items.map((o: any) => o.metadata.name)).toEqual(['c']);
  });
});
