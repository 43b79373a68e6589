import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listJson } from './list-json.ts';
import { encodedJson } from './registry/decoded-cache.ts';
import {
  backendCases,
  configMap,
  ctx,
  deployment,
  openHarness,
  pod,
  type Harness,
} from './registry/testing/harness.ts';
import type { KubeObject } from './registry/types.ts';

// Real kubectl and client-node read these bytes: the spliced list must be exactly what
// JSON.stringify of the list object gives, whatever the registry put in it.
const same = (list: KubeObject) => {
  const expected = JSON.stringify(list);
  expect(listJson(list)).toBe(expected);
  // Again, now from the cached item encodings.
  expect(listJson(list)).toBe(expected);
};

describe.each(backendCases)('LIST bodies spliced from cached item JSON ($name)', (bc) => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness(bc);
  });
  afterEach(() => h.close());

  it('match JSON.stringify for pods, config maps, deployments and namespaces, with managedFields', async () => {
    const pods = h.r('/v1/pods');
    await pods.create(ctx({ fieldManager: 'kubectl' }), 'default', {
      ...pod('web', { nodeName: 'n1' }),
      metadata: {
        name: 'web',
        labels: { app: 'web' },
        annotations: { note: 'quotes " and \\ and é ✓ \u2028' },
      },
    });
    await pods.patch(
      ctx({ fieldManager: 'applier' }),
      'default',
      'applied',
      'apply',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'applied' },
        spec: { containers: [{ name: 'c', image: 'x' }] },
      },
      undefined,
    );
    await pods.update(
      ctx({ fieldManager: 'kubelet' }),
      'default',
      'web',
      {
        ...(await pods.get(ctx(), 'default', 'web')),
        status: { phase: 'Running', podIP: '10.0.0.5' },
      },
      'status',
    );
    await h
      .r('/v1/configmaps')
      .create(ctx(), 'default', configMap('cfg', { 'a.json': '{"x":[1,2]}', empty: '' }));
    await h.r('apps/v1/deployments').create(ctx(), 'default', deployment('d', 3));

    same(await pods.list(ctx(), 'default', {}));
    same(await pods.list(ctx(), '', {}));
    same(await h.r('/v1/configmaps').list(ctx(), '', {}));
    same(await h.r('apps/v1/deployments').list(ctx(), 'default', {}));
    same(await h.r('/v1/namespaces').list(ctx(), '', {}));
    const listed = await pods.list(ctx(), 'default', {});
    expect(listed.items.some((p: KubeObject) => p.metadata?.managedFields?.length > 0)).toBe(true);
  });

  it('match JSON.stringify for pages (continue, remainingItemCount), selectors and empty lists', async () => {
    const cms = h.r('/v1/configmaps');
    for (let i = 0; i < 7; i++)
      await cms.create(ctx(), 'default', configMap(`c${i}`, { i: String(i) }, { even: String(i % 2 === 0) }));
    const first = await cms.list(ctx(), 'default', { limit: 3 });
    expect(first.metadata!.continue).toBeTruthy();
    expect(first.metadata!.remainingItemCount).toBe(4);
    same(first);
    same(await cms.list(ctx(), 'default', { limit: 3, continue: first.metadata!.continue }));
    same(await cms.list(ctx(), 'default', { labelSelector: 'even=true' }));
    same(await cms.list(ctx(), 'default', { fieldSelector: 'metadata.name=c3' }));
    same(await cms.list(ctx(), 'default', { labelSelector: 'even=nope' }));
    same(await cms.list(ctx(), 'kube-system', {}));
  });

  it('never answers a new revision with an old encoding', async () => {
    const cms = h.r('/v1/configmaps');
    await cms.create(ctx(), 'default', configMap('c', { v: 'one' }));
    const before = listJson(await cms.list(ctx(), 'default', {}));
    expect(before).toContain('"v":"one"');
    await cms.update(ctx(), 'default', 'c', {
      ...(await cms.get(ctx(), 'default', 'c')),
      data: { v: 'two' },
    });
    const after = await cms.list(ctx(), 'default', {});
    expect(listJson(after)).toBe(JSON.stringify(after));
    expect(listJson(after)).toContain('"v":"two"');
    expect(listJson(after)).not.toContain('"v":"one"');
  });
});

describe('listJson on lists the cache did not make', () => {
  it('is JSON.stringify for any list shape, with items anywhere and values JSON drops', () => {
    const lists: KubeObject[] = [
      { kind: 'List', apiVersion: 'v1', metadata: {}, items: [] },
      { items: [{ a: 1 }, null, undefined, 3, 'x'] },
      { kind: 'List', items: [{ a: 1 }], metadata: { resourceVersion: '5' } },
      {
        kind: 'List',
        apiVersion: 'v1',
        metadata: { x: undefined },
        items: [{ b: undefined, c: [undefined] }],
      },
      { kind: 'List', items: 'not an array' },
    ];
    for (const list of lists) expect(listJson(list)).toBe(JSON.stringify(list));
  });

  it('stringifies objects that are not shared cache entries every time (callers may change them)', () => {
    const obj: KubeObject = { metadata: { name: 'a' } };
    expect(encodedJson(obj)).toBe('{"metadata":{"name":"a"}}');
    obj.metadata!.name = 'b';
    expect(encodedJson(obj)).toBe('{"metadata":{"name":"b"}}');
  });
});
