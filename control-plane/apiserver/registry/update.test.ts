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

describe.each(backendCases)('update ($name)', (bc) => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness(bc);
  });
  afterEach(() => h.close());

  it('checks resourceVersion: a stale one is a 409 Conflict with upstream wording', async () => {
    const cms = h.r('/v1/configmaps');
    const v1 = await cms.create(ctx(), 'default', configMap('c', { a: '1' }));
    const v2 = await cms.update(ctx(), 'default', 'c', { ...v1, data: { a: '2' } });
    expect(Number(v2.metadata!.resourceVersion)).toBeGreaterThan(Number(v1.metadata!.resourceVersion));
    const err = await statusOf(cms.update(ctx(), 'default', 'c', { ...v1, data: { a: '3' } }));
    expect(err.status).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again',
    });
    expect((await cms.get(ctx(), 'default', 'c')).data).toEqual({ a: '2' });
  });

  it('without a resourceVersion overwrites whatever is stored', async () => {
    const cms = h.r('/v1/configmaps');
    await cms.create(ctx(), 'default', configMap('c', { a: '1' }));
    await cms.update(ctx(), 'default', 'c', configMap('c', { a: '2' }));
    const updated = await cms.update(ctx(), 'default', 'c', configMap('c', { a: '3' }));
    expect(updated.data).toEqual({ a: '3' });
  });

  it('keeps identity and timestamps, and refuses a different uid', async () => {
    const cms = h.r('/v1/configmaps');
    const created = await cms.create(ctx(), 'default', configMap('c'));
    h.clock.advance(60);
    const sent = configMap('c', { b: '1' });
    sent.metadata!.creationTimestamp = '1999-01-01T00:00:00Z';
    sent.metadata!.generation = 42;
    const updated = await cms.update(ctx(), 'default', 'c', sent);
    expect(updated.metadata).toMatchObject({
      uid: created.metadata!.uid,
      creationTimestamp: created.metadata!.creationTimestamp,
    });
    expect(updated.metadata!.generation).toBeUndefined(); // ConfigMaps have none; a sent one is dropped
    const other = configMap('c');
    other.metadata!.uid = 'another';
    const err = await statusOf(cms.update(ctx(), 'default', 'c', other));
    expect(err.code).toBe(422);
    expect(err.message).toContain('metadata.uid');
  });

  it('refuses a body whose name differs from the URL, and 404s a missing object', async () => {
    const cms = h.r('/v1/configmaps');
    await cms.create(ctx(), 'default', configMap('c'));
    const err = await statusOf(cms.update(ctx(), 'default', 'c', configMap('d')));
    expect(err.code).toBe(400);
    expect(err.message).toBe('the name of the object (d) does not match the name on the URL (c)');
    const missing = await statusOf(cms.update(ctx(), 'default', 'nope', configMap('nope')));
    expect(missing.status).toMatchObject({ code: 404, message: 'configmaps "nope" not found' });
  });

  it('bumps generation only when something besides metadata and status changes', async () => {
    const deps = h.r('apps/v1/deployments');
    const created = await deps.create(ctx(), 'default', deployment('web'));
    expect(created.metadata!.generation).toBe(1);
    const labelled = await deps.update(ctx(), 'default', 'web', {
      ...created,
      metadata: { ...created.metadata, labels: { x: 'y' } },
    });
    expect(labelled.metadata!.generation).toBe(1);
    const scaled = await deps.update(ctx(), 'default', 'web', {
      ...labelled,
      spec: { ...labelled.spec, replicas: 3 },
    });
    expect(scaled.metadata!.generation).toBe(2);
    const status = await deps.update(
      ctx(),
      'default',
      'web',
      { ...scaled, status: { replicas: 3 } },
      'status',
    );
    expect(status.metadata!.generation).toBe(2);
  });

  it('splits status: the main resource ignores it, /status changes only it', async () => {
    const deps = h.r('apps/v1/deployments');
    const created = await deps.create(ctx(), 'default', deployment('web'));
    expect(created.status).toEqual({});
    const main = await deps.update(ctx(), 'default', 'web', {
      ...created,
      spec: { ...created.spec, replicas: 2 },
      status: { replicas: 99 },
    });
    expect(main.spec.replicas).toBe(2);
    expect(main.status).toEqual({});
    const viaStatus = await deps.update(
      ctx(),
      'default',
      'web',
      {
        ...main,
        metadata: { ...main.metadata, labels: { sneaky: 'yes' }, annotations: { a: 'b' } },
        spec: { ...main.spec, replicas: 5 },
        status: { replicas: 2, readyReplicas: 1 },
      },
      'status',
    );
    expect(viaStatus.status).toEqual({ replicas: 2, readyReplicas: 1 });
    expect(viaStatus.spec.replicas).toBe(2);
    expect(viaStatus.metadata!.labels).toBeUndefined();
    expect(viaStatus.metadata!.annotations).toBeUndefined();
    const err = await statusOf(h.r('/v1/configmaps').update(ctx(), 'default', 'x', configMap('x'), 'status'));
    expect(err.code).toBe(404);
  });

  it('a status update with a stale resourceVersion conflicts too', async () => {
    const pods = h.r('/v1/pods');
    const created = await pods.create(ctx(), 'default', pod('p'));
    await pods.update(ctx(), 'default', 'p', { ...created, status: { phase: 'Running' } }, 'status');
    const err = await statusOf(
      pods.update(ctx(), 'default', 'p', { ...created, status: { phase: 'Failed' } }, 'status'),
    );
    expect(err.code).toBe(409);
  });

  it('does not write an update that changes nothing', async () => {
    const cms = h.r('/v1/configmaps');
    const created = await cms.create(ctx(), 'default', configMap('c', { a: '1' }, { l: 'v' }));
    const before = await h.backend.currentRevision();
    // Same content, keys in another order, no resourceVersion.
    const same = await cms.update(ctx(), 'default', 'c', {
      data: { a: '1' },
      metadata: { labels: { l: 'v' }, name: 'c' },
      kind: 'ConfigMap',
      apiVersion: 'v1',
    });
    expect(same.metadata!.resourceVersion).toBe(created.metadata!.resourceVersion);
    expect(await h.backend.currentRevision()).toBe(before);
  });

  it('removes an object being deleted once an update empties its finalizers', async () => {
    const cms = h.r('/v1/configmaps');
    const cm = configMap('f');
    cm.metadata!.finalizers = ['example.com/hold'];
    await cms.create(ctx(), 'default', cm);
    const marked = await cms.delete(ctx(), 'default', 'f', {});
    expect(marked.metadata!.deletionTimestamp).toBe('2026-01-01T00:00:00Z');
    const w = await recordWatch(cms, 'default', { resourceVersion: marked.metadata!.resourceVersion });
    const added = await statusOf(
      cms.update(ctx(), 'default', 'f', {
        ...marked,
        metadata: { ...marked.metadata, finalizers: ['example.com/hold', 'x.io/new'] },
      }),
    );
    expect(added.code).toBe(422);
    expect(added.message).toContain('no new finalizers can be added if the object is being deleted');
    const finalized = await cms.update(ctx(), 'default', 'f', {
      ...marked,
      metadata: { ...marked.metadata, finalizers: [] },
    });
    expect(finalized.metadata!.finalizers).toEqual([]);
    expect((await statusOf(cms.get(ctx(), 'default', 'f'))).code).toBe(404);
    await w.until('DELETED', () => w.events.some((e) => e.type === 'DELETED'));
    expect(w.summary()).toEqual(['DELETED f']);
    w.close();
  });

  it('creates on update for types that allow it (leases), not for others', async () => {
    const leases = h.r('coordination.k8s.io/v1/leases');
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'node-1' },
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40 },
    };
    const created = await leases.update(ctx(), 'kube-node-lease', 'node-1', lease);
    expect(created.metadata!.uid).toBeDefined();
    expect(created.metadata!.generation).toBeUndefined();
    const err = await statusOf(h.r('/v1/configmaps').update(ctx(), 'default', 'nope', configMap('nope')));
    expect(err.code).toBe(404);
  });

  it("keeps a namespace's spec.finalizers and status on update; /finalize changes the finalizers", async () => {
    const nss = h.r('/v1/namespaces');
    const ns = await nss.get(ctx(), '', 'default');
    expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(ns.status).toEqual({ phase: 'Active' });
    expect(ns.metadata!.labels).toEqual({ 'kubernetes.io/metadata.name': 'default' });
    const updated = await nss.update(ctx(), '', 'default', {
      ...ns,
      metadata: { ...ns.metadata, labels: { team: 'a' } },
      spec: { finalizers: [] },
      status: { phase: 'Terminating' },
    });
    expect(updated.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(updated.status).toEqual({ phase: 'Active' });
    expect(updated.metadata!.labels).toEqual({ team: 'a', 'kubernetes.io/metadata.name': 'default' });
    const finalized = await nss.update(
      ctx(),
      '',
      'default',
      { ...updated, spec: { finalizers: [] } },
      'finalize',
    );
    expect(finalized.spec).toEqual({ finalizers: [] });
  });

  it('dry run returns the would-be object and writes nothing', async () => {
    const cms = h.r('/v1/configmaps');
    const created = await cms.create(ctx(), 'default', configMap('c', { a: '1' }));
    const before = await h.backend.currentRevision();
    const dry = await cms.update(ctx({ dryRun: true }), 'default', 'c', { ...created, data: { a: '2' } });
    expect(dry.data).toEqual({ a: '2' });
    expect(await h.backend.currentRevision()).toBe(before);
    expect((await cms.get(ctx(), 'default', 'c')).data).toEqual({ a: '1' });
  });
});
