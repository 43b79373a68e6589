import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendCases, configMap, ctx, openHarness, pod, statusOf, type Harness } from './testing/harness.ts';

describe.each(backendCases)('create ($name)', (bc) => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness(bc);
  });
  afterEach(() => h.close());

  it('fills server-owned metadata and overwrites what the client sent for it', async () => {
    const cm = configMap('app', { a: '1' });
    cm.metadata!.uid = 'client-uid';
    cm.metadata!.resourceVersion = '999';
    cm.metadata!.generation = 7;
    cm.metadata!.creationTimestamp = '2000-01-01T00:00:00Z';
    cm.metadata!.deletionTimestamp = '2000-01-01T00:00:00Z';
    const created = await h.r('/v1/configmaps').create(ctx(), 'default', cm);
    const meta = created.metadata!;
    expect(meta.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.uid).not.toBe('client-uid');
    expect(meta.creationTimestamp).toBe('2026-01-01T00:00:00Z');
    expect(meta.generation).toBeUndefined(); // ConfigMaps have no generation upstream
    expect(meta.deletionTimestamp).toBeUndefined();
    expect(meta.namespace).toBe('default');
    expect(Number(meta.resourceVersion)).toBe(await h.backend.currentRevision());
    const got = await h.r('/v1/configmaps').get(ctx(), 'default', 'app');
    expect(got).toEqual(created);
  });

  it('fills apiVersion and kind when absent and refuses another type with a clear 400', async () => {
    const created = await h.r('/v1/configmaps').create(ctx(), 'default', { metadata: { name: 'bare' } });
    expect(created).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
    const wrongVersion = await statusOf(
      h.r('/v1/configmaps').create(ctx(), 'default', { ...configMap('x'), apiVersion: 'apps/v1' }),
    );
    expect(wrongVersion.code).toBe(400);
    expect(wrongVersion.message).toBe(
      'the API version in the data (apps/v1) does not match the expected API version (v1)',
    );
    const wrongKind = await statusOf(
      h.r('/v1/configmaps').create(ctx(), 'default', { ...configMap('x'), kind: 'Secret' }),
    );
    expect(wrongKind.code).toBe(400);
    expect(wrongKind.message).toContain('cannot be handled as a ConfigMap');
  });

  it('refuses an object whose namespace differs from the URL, and clears it on cluster-scoped types', async () => {
    const cm = configMap('x');
    cm.metadata!.namespace = 'kube-system';
    const err = await statusOf(h.r('/v1/configmaps').create(ctx(), 'default', cm));
    expect(err.code).toBe(400);
    expect(err.message).toBe(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
    const ns = await h.r('/v1/namespaces').create(ctx(), '', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team', namespace: 'default' },
    });
    expect(ns.metadata!.namespace).toBeUndefined();
  });

  it('generates names from generateName with upstream alphabet', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const created = await h.r('/v1/configmaps').create(ctx(), 'default', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { generateName: 'web-' },
      });
      expect(created.metadata!.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      names.add(created.metadata!.name);
    }
    expect(names.size).toBe(20);
    const long = await h
      .r('/v1/configmaps')
      .create(ctx(), 'default', { metadata: { generateName: `${'a'.repeat(70)}-` } });
    expect(long.metadata!.name).toHaveLength(63);
  });

  it('answers 409 AlreadyExists with upstream wording', async () => {
    await h.r('/v1/configmaps').create(ctx(), 'default', configMap('dup'));
    const err = await statusOf(h.r('/v1/configmaps').create(ctx(), 'default', configMap('dup')));
    expect(err.status).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'configmaps "dup" already exists',
      details: { name: 'dup', kind: 'configmaps' },
    });
    const deployErr = await statusOf(
      (async () => {
        const d = h.r('apps/v1/deployments');
        const obj = () => ({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'd' },
          spec: {
            selector: { matchLabels: { a: 'b' } },
            template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
          },
        });
        await d.create(ctx(), 'default', obj());
        await d.create(ctx(), 'default', obj());
      })(),
    );
    expect(deployErr.message).toBe('deployments.apps "d" already exists');
  });

  it('validates and answers 422 with field causes', async () => {
    const err = await statusOf(h.r('/v1/configmaps').create(ctx(), 'default', configMap('Not_Valid')));
    expect(err.code).toBe(422);
    expect(err.status.reason).toBe('Invalid');
    expect(err.message).toMatch(
      /^ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid": /,
    );
    expect(err.status.details?.causes?.[0]).toMatchObject({
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
    });
    const noName = await statusOf(h.r('/v1/configmaps').create(ctx(), 'default', { metadata: {} }));
    expect(noName.message).toContain('metadata.name: Required value: name or generateName is required');
  });

  it('needs the namespace to exist and not be terminating', async () => {
    const missing = await statusOf(h.r('/v1/configmaps').create(ctx(), 'nowhere', configMap('x')));
    expect(missing.status).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'namespaces "nowhere" not found',
    });

    const nsReg = h.r('/v1/namespaces');
    await nsReg.create(ctx(), '', { metadata: { name: 'going' } });
    await nsReg.delete(ctx(), '', 'going', {});
    const terminating = await statusOf(h.r('/v1/configmaps').create(ctx(), 'going', configMap('x')));
    expect(terminating.code).toBe(403);
    expect(terminating.message).toBe(
      'configmaps "x" is forbidden: unable to create new content in namespace going because it is being terminated',
    );
  });

  it('dry run goes through every check but stores nothing', async () => {
    const before = await h.backend.currentRevision();
    const created = await h.r('/v1/configmaps').create(ctx({ dryRun: true }), 'default', configMap('dry'));
    expect(created.metadata!.uid).toBeDefined();
    expect(created.metadata!.resourceVersion).toBeUndefined();
    expect(await h.backend.currentRevision()).toBe(before);
    expect((await statusOf(h.r('/v1/configmaps').get(ctx(), 'default', 'dry'))).code).toBe(404);

    await h.r('/v1/configmaps').create(ctx(), 'default', configMap('real'));
    const dup = await statusOf(
      h.r('/v1/configmaps').create(ctx({ dryRun: true }), 'default', configMap('real')),
    );
    expect(dup.code).toBe(409);
    const bad = await statusOf(
      h.r('/v1/configmaps').create(ctx({ dryRun: true }), 'default', configMap('BAD')),
    );
    expect(bad.code).toBe(422);
  });

  it('starts pods Pending with their QoS class, whatever status was sent', async () => {
    const p = pod('web');
    p.status = { phase: 'Running' };
    const created = await h.r('/v1/pods').create(ctx(), 'default', p);
    expect(created.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    const guaranteed = await h.r('/v1/pods').create(
      ctx(),
      'default',
      pod('g', {
        containers: [
          {
            name: 'c',
            image: 'i',
            resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1Gi' } },
          },
        ],
      }),
    );
    expect(guaranteed.status.qosClass).toBe('Guaranteed');
    const burstable = await h
      .r('/v1/pods')
      .create(
        ctx(),
        'default',
        pod('b', { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '1' } } }] }),
      );
    expect(burstable.status.qosClass).toBe('Burstable');
  });
});
