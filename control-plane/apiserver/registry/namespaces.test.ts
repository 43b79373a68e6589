import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultNamespaces, ensureDefaultNamespaces } from './default-namespaces.ts';
import {
  backendCases,
  configMap,
  ctx,
  openHarness,
  recordWatch,
  statusOf,
  type Harness,
} from './testing/harness.ts';

describe.each(backendCases)('namespaces ($name)', (bc) => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness(bc);
  });
  afterEach(() => h.close());

  it('exist from the start: default, kube-system, kube-public, kube-node-lease (idempotently)', async () => {
    await ensureDefaultNamespaces(h.registries);
    const list = await h.r('/v1/namespaces').list(ctx(), '', {});
    expect(list.items.map((n: any) => n.metadata.name).sort()).toEqual([...defaultNamespaces].sort());
    for (const ns of list.items) {
      expect(ns.status).toEqual({ phase: 'Active' });
      expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    }
  });

  it('deletion turns a namespace Terminating until the namespace controller finalizes it', async () => {
    const nss = h.r('/v1/namespaces');
    await nss.create(ctx(), '', { metadata: { name: 'team' } });
    await h.r('/v1/configmaps').create(ctx(), 'team', configMap('inside'));
    const w = await recordWatch(nss, '', { resourceVersion: String(await h.backend.currentRevision()) });

    const terminating = await nss.delete(ctx(), '', 'team', {});
    expect(terminating.status).toEqual({ phase: 'Terminating' });
    expect(terminating.metadata!.deletionTimestamp).toBe('2026-01-01T00:00:00Z');
    // Deleting again changes nothing while spec.finalizers is not empty.
    const again = await nss.delete(ctx(), '', 'team', {});
    expect(again.metadata!.resourceVersion).toBe(terminating.metadata!.resourceVersion);
    // Content stays readable (the controller deletes it), but nothing new may be created.
    await h.r('/v1/configmaps').get(ctx(), 'team', 'inside');
    expect((await statusOf(h.r('/v1/configmaps').create(ctx(), 'team', configMap('new')))).code).toBe(403);
    // A status update can not bring it back to Active.
    const status = await nss.update(ctx(), '', 'team', { ...terminating, status: { phase: 'Active' } });
    expect(status.status.phase).toBe('Terminating');

    await nss.update(ctx(), '', 'team', { ...terminating, spec: { finalizers: [] } }, 'finalize');
    expect((await statusOf(nss.get(ctx(), '', 'team'))).status).toMatchObject({
      code: 404,
      message: 'namespaces "team" not found',
    });
    await w.until('DELETED', () => w.events.some((e) => e.type === 'DELETED'));
    expect(w.summary()).toEqual(['MODIFIED team', 'DELETED team']);
  });

  it('a namespace without spec.finalizers still goes Terminating first, then goes on the next delete', async () => {
    const nss = h.r('/v1/namespaces');
    const created = await nss.create(ctx(), '', { metadata: { name: 'bare' } });
    await nss.update(ctx(), '', 'bare', { ...created, spec: { finalizers: [] } }, 'finalize');
    const marked = await nss.delete(ctx(), '', 'bare', {});
    expect(marked.status.phase).toBe('Terminating');
    await nss.delete(ctx(), '', 'bare', {});
    expect((await statusOf(nss.get(ctx(), '', 'bare'))).code).toBe(404);
  });

  it('the system namespaces may not be deleted', async () => {
    for (const name of ['default', 'kube-system', 'kube-public']) {
      const err = await statusOf(h.r('/v1/namespaces').delete(ctx(), '', name, {}));
      expect(err.status).toMatchObject({
        code: 403,
        reason: 'Forbidden',
        message: `namespaces "${name}" is forbidden: this namespace may not be deleted`,
      });
    }
  });
});
