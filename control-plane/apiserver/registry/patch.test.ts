import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  backendCases,
  configMap,
  ctx,
  deployment,
  openHarness,
  statusOf,
  type Harness,
} from './testing/harness.ts';

describe.each(backendCases)('patch ($name)', (bc) => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness(bc);
  });
  afterEach(() => h.close());

  it('applies merge, JSON and strategic patches through the update rules', async () => {
    const deps = h.r('apps/v1/deployments');
    await deps.create(ctx(), 'default', deployment('web'));
    const merged = await deps.patch(ctx(), 'default', 'web', 'merge', {
      metadata: { labels: { a: 'b' } },
      spec: { replicas: 3 },
    });
    expect(merged.metadata!.labels).toEqual({ a: 'b' });
    expect(merged.spec.replicas).toBe(3);
    expect(merged.metadata!.generation).toBe(2);
    const json = await deps.patch(ctx(), 'default', 'web', 'json', [
      { op: 'replace', path: '/spec/replicas', value: 4 },
      { op: 'remove', path: '/metadata/labels/a' },
    ]);
    expect(json.spec.replicas).toBe(4);
    expect(json.metadata!.labels).toBeUndefined(); // omitempty, like upstream
    const image = await deps.patch(ctx(), 'default', 'web', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } },
    });
    expect(image.spec.template.spec.containers).toHaveLength(1);
    expect(image.spec.template.spec.containers[0]).toMatchObject({ name: 'c', image: 'nginx:2' });
    // Status is not the main resource's to patch, and the subresource takes only status.
    const ignored = await deps.patch(ctx(), 'default', 'web', 'merge', { status: { replicas: 9 } });
    expect(ignored.status).toEqual({});
    const status = await deps.patch(
      ctx(),
      'default',
      'web',
      'merge',
      { status: { replicas: 9 }, spec: { replicas: 1 } },
      'status',
    );
    expect(status.status).toEqual({ replicas: 9 });
    expect(status.spec.replicas).toBe(4);
  });

  it('retries lost races internally: concurrent patches all land', async () => {
    const cms = h.r('/v1/configmaps');
    await cms.create(ctx(), 'default', configMap('c'));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        cms.patch(ctx(), 'default', 'c', 'merge', { data: { [`k${i}`]: String(i) } }),
      ),
    );
    const got = await cms.get(ctx(), 'default', 'c');
    expect(Object.keys(got.data)).toHaveLength(20);
  });

  it('a patch that sets a stale resourceVersion conflicts', async () => {
    const cms = h.r('/v1/configmaps');
    const created = await cms.create(ctx(), 'default', configMap('c'));
    await cms.patch(ctx(), 'default', 'c', 'merge', { data: { a: '1' } });
    const err = await statusOf(
      cms.patch(ctx(), 'default', 'c', 'merge', {
        metadata: { resourceVersion: created.metadata!.resourceVersion },
        data: { b: '2' },
      }),
    );
    expect(err.code).toBe(409);
    const current = await cms.get(ctx(), 'default', 'c');
    const ok = await cms.patch(ctx(), 'default', 'c', 'merge', {
      metadata: { resourceVersion: current.metadata!.resourceVersion },
      data: { b: '2' },
    });
    expect(ok.data).toEqual({ a: '1', b: '2' });
  });

  it('refuses patches that change identity, fail validation, or do not apply', async () => {
    const cms = h.r('/v1/configmaps');
    await cms.create(ctx(), 'default', configMap('c'));
    const rename = await statusOf(cms.patch(ctx(), 'default', 'c', 'merge', { metadata: { name: 'd' } }));
    expect(rename.code).toBe(400);
    const kind = await statusOf(cms.patch(ctx(), 'default', 'c', 'merge', { kind: 'Secret' }));
    expect(kind.code).toBe(400);
    const label = await statusOf(
      cms.patch(ctx(), 'default', 'c', 'merge', { metadata: { labels: { 'bad key!': 'x' } } }),
    );
    expect(label.code).toBe(422);
    const test = await statusOf(
      cms.patch(ctx(), 'default', 'c', 'json', [{ op: 'test', path: '/data', value: { x: '1' } }]),
    );
    expect(test.code).toBe(422);
    const missing = await statusOf(cms.patch(ctx(), 'default', 'nope', 'merge', {}));
    expect(missing.status).toMatchObject({ code: 404, message: 'configmaps "nope" not found' });
    const apply = await statusOf(cms.patch(ctx(), 'default', 'c', 'apply', {}));
    expect(apply.status).toMatchObject({
      code: 400,
      message: 'apiVersion and kind must be set in the apply configuration',
    });
  });

  it('an empty patch writes nothing', async () => {
    const cms = h.r('/v1/configmaps');
    const created = await cms.create(ctx(), 'default', configMap('c', { a: '1' }));
    const same = await cms.patch(ctx(), 'default', 'c', 'strategic', {});
    expect(same.metadata!.resourceVersion).toBe(created.metadata!.resourceVersion);
  });
});
