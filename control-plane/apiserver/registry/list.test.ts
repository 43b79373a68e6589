import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { continueTooOldMessage, listTooOldMessage } from './errors.ts';
import { backendCases, configMap, ctx, openHarness, pod, statusOf, type Harness } from './testing/harness.ts';
import type { KubeObject } from './types.ts';

const names = (list: KubeObject) => list.items.map((o: KubeObject) => o.metadata!.name);

describe.each(backendCases)('get and list ($name)', (bc) => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness(bc);
  });
  afterEach(() => h.close());

  it('get answers 404 NotFound with upstream wording', async () => {
    const err = await statusOf(h.r('/v1/pods').get(ctx(), 'default', 'ghost'));
    expect(err.status).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'pods "ghost" not found',
      details: { name: 'ghost', kind: 'pods' },
    });
    const apps = await statusOf(h.r('apps/v1/deployments').get(ctx(), 'default', 'ghost'));
    expect(apps.message).toBe('deployments.apps "ghost" not found');
  });

  it('lists one namespace or all, as <Kind>List at the store revision', async () => {
    const cms = h.r('/v1/configmaps');
    await h.r('/v1/namespaces').create(ctx(), '', { metadata: { name: 'default2' } });
    await cms.create(ctx(), 'default', configMap('b'));
    await cms.create(ctx(), 'default', configMap('a'));
    await cms.create(ctx(), 'default2', configMap('c'));
    const one = await cms.list(ctx(), 'default', {});
    expect(one).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMapList' });
    expect(names(one)).toEqual(['a', 'b']);
    expect(one.metadata!.resourceVersion).toBe(String(await h.backend.currentRevision()));
    expect(names(await cms.list(ctx(), '', {}))).toEqual(['a', 'b', 'c']);
    const ns = await h.r('/v1/namespaces').list(ctx(), '', {});
    expect(names(ns)).toEqual(['default', 'default2', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(ns.items[0].metadata.resourceVersion).toMatch(/^[0-9]+$/);
  });

  it('filters by label and field selectors, including type fields', async () => {
    const pods = h.r('/v1/pods');
    await pods.create(ctx(), 'default', {
      ...pod('a'),
      metadata: { name: 'a', labels: { app: 'web', tier: 'fe' } },
    });
    await pods.create(ctx(), 'default', {
      ...pod('b', { nodeName: 'n1' }),
      metadata: { name: 'b', labels: { app: 'web' } },
    });
    await pods.create(ctx(), 'default', { ...pod('c'), metadata: { name: 'c', labels: { app: 'db' } } });
    expect(names(await pods.list(ctx(), 'default', { labelSelector: 'app=web' }))).toEqual(['a', 'b']);
    expect(names(await pods.list(ctx(), 'default', { labelSelector: 'app in (web,db),!tier' }))).toEqual([
      'b',
      'c',
    ]);
    expect(names(await pods.list(ctx(), '', { fieldSelector: 'metadata.name=c' }))).toEqual(['c']);
    expect(
      names(await pods.list(ctx(), '', { fieldSelector: 'metadata.namespace=default,metadata.name!=a' })),
    ).toEqual(['b', 'c']);
    expect(names(await pods.list(ctx(), 'default', { fieldSelector: 'spec.nodeName=' }))).toEqual(['a', 'c']);
    expect(names(await pods.list(ctx(), 'default', { fieldSelector: 'metadata.name=b' }))).toEqual(['b']);
    expect(names(await pods.list(ctx(), 'default', { fieldSelector: 'metadata.name=zz' }))).toEqual([]);
  });

  it('answers 400 with the parser message for a bad selector', async () => {
    const badLabel = await statusOf(h.r('/v1/pods').list(ctx(), 'default', { labelSelector: 'app in (' }));
    expect(badLabel.code).toBe(400);
    expect(badLabel.message.length).toBeGreaterThan(0);
    const badField = await statusOf(h.r('/v1/pods').list(ctx(), 'default', { fieldSelector: 'spec.nope=x' }));
    expect(badField.status).toMatchObject({ code: 400, message: 'field label not supported: spec.nope' });
  });

  it('pages with limit and continue over one consistent snapshot while writes happen', async () => {
    const cms = h.r('/v1/configmaps');
    for (let i = 0; i < 25; i++)
      await cms.create(ctx(), 'default', configMap(`cm-${String(i).padStart(2, '0')}`, { v: '0' }));
    const snapshot = await cms.list(ctx(), 'default', {});
    const seen: KubeObject[] = [];
    let page = await cms.list(ctx(), 'default', { limit: 10 });
    expect(page.metadata!.resourceVersion).toBe(snapshot.metadata!.resourceVersion);
    expect(page.metadata!.remainingItemCount).toBe(15);
    for (;;) {
      seen.push(...page.items);
      // Writes between pages: new, changed and deleted objects must not show up.
      await cms.create(ctx(), 'default', configMap(`cm-new-${seen.length}`));
      const victim = page.items.length ? page.items[0].metadata.name : undefined;
      if (victim) await cms.delete(ctx(), 'default', victim, {});
      await cms.update(ctx(), 'default', 'cm-24', configMap('cm-24', { v: String(seen.length) }));
      if (!page.metadata!.continue) break;
      page = await cms.list(ctx(), 'default', { limit: 10, continue: page.metadata!.continue });
      expect(page.metadata!.resourceVersion).toBe(snapshot.metadata!.resourceVersion);
      // Counted in the snapshot too, not among the writes since.
      if (page.metadata!.continue) expect(page.metadata!.remainingItemCount).toBe(25 - seen.length - 10);
    }
    expect(seen).toEqual(snapshot.items);
  });

  it('pages through filtered results without losing or repeating any', async () => {
    const cms = h.r('/v1/configmaps');
    for (let i = 0; i < 30; i++) {
      await cms.create(
        ctx(),
        'default',
        configMap(`c${String(i).padStart(2, '0')}`, {}, { even: String(i % 2 === 0) }),
      );
    }
    const got: string[] = [];
    let cont: string | undefined;
    do {
      const page = await cms.list(ctx(), 'default', { limit: 4, labelSelector: 'even=true', continue: cont });
      expect(page.items.length).toBeLessThanOrEqual(4);
      expect(page.metadata!.remainingItemCount).toBeUndefined();
      got.push(...names(page));
      cont = page.metadata!.continue;
    } while (cont);
    expect(got).toEqual(Array.from({ length: 15 }, (_, i) => `c${String(i * 2).padStart(2, '0')}`));
  });

  it('an expired continue token is 410 with upstream message and a token to go on', async () => {
    const cms = h.r('/v1/configmaps');
    for (let i = 0; i < 6; i++) await cms.create(ctx(), 'default', configMap(`c${i}`));
    const first = await cms.list(ctx(), 'default', { limit: 2 });
    await cms.create(ctx(), 'default', configMap('later'));
    await h.backend.compact(await h.backend.currentRevision());
    const err = await statusOf(cms.list(ctx(), 'default', { limit: 2, continue: first.metadata!.continue }));
    expect(err.status).toMatchObject({ code: 410, reason: 'Expired', message: continueTooOldMessage });
    const inconsistent = (err.status.metadata as { continue?: string }).continue!;
    const rest = await cms.list(ctx(), 'default', { continue: inconsistent });
    expect(names(rest)).toEqual(['c2', 'c3', 'c4', 'c5', 'later']);
    const bad = await statusOf(cms.list(ctx(), 'default', { continue: 'not-a-token' }));
    expect(bad.code).toBe(400);
    expect(bad.message).toMatch(/^invalid continue token: continue key is not valid/);
    const withVersion = await statusOf(
      cms.list(ctx(), 'default', { continue: first.metadata!.continue, resourceVersion: '5' }),
    );
    expect(withVersion.status).toMatchObject({
      code: 400,
      message: 'specifying resource version is not allowed when using continue',
    });
  });

  it('honours resourceVersion: unset and 0 are current, Exact reads the past, too old is 410', async () => {
    const cms = h.r('/v1/configmaps');
    const a = await cms.create(ctx(), 'default', configMap('a', { v: '1' }));
    const old = a.metadata!.resourceVersion;
    await cms.update(ctx(), 'default', 'a', configMap('a', { v: '2' }));
    await cms.create(ctx(), 'default', configMap('b'));
    expect(names(await cms.list(ctx(), 'default', { resourceVersion: '0' }))).toEqual(['a', 'b']);
    expect(names(await cms.list(ctx(), 'default', { resourceVersion: old }))).toEqual(['a', 'b']);
    const exact = await cms.list(ctx(), 'default', { resourceVersion: old, resourceVersionMatch: 'Exact' });
    expect(exact.metadata!.resourceVersion).toBe(old);
    expect(exact.items.map((o: KubeObject) => o.data.v)).toEqual(['1']);
    // The legacy rule: a version with a limit and no match is exact.
    expect(names(await cms.list(ctx(), 'default', { resourceVersion: old, limit: 5 }))).toEqual(['a']);
    await h.backend.compact(await h.backend.currentRevision());
    const gone = await statusOf(
      cms.list(ctx(), 'default', { resourceVersion: old, resourceVersionMatch: 'Exact' }),
    );
    expect(gone.status).toMatchObject({ code: 410, reason: 'Expired', message: listTooOldMessage });
    const future = await statusOf(cms.list(ctx(), 'default', { resourceVersion: '100000' }));
    expect(future.status).toMatchObject({ code: 504, reason: 'Timeout' });
    const invalidMatch = await statusOf(cms.list(ctx(), 'default', { resourceVersionMatch: 'Exact' }));
    expect(invalidMatch.status).toMatchObject({ code: 422 });
    expect(invalidMatch.message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
    );
  });
});
