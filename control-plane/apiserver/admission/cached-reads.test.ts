// Admission reads ResourceQuotas, LimitRanges and PriorityClasses from a watch cache once it is
// current: what was written a moment ago must still decide the very next create, on every backend.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedObjects } from '../cached-objects.ts';
import { backendCases, ctx, openHarness, pod, statusOf, type Harness } from '../registry/testing/harness.ts';
import { admissionPlugins } from './index.ts';

describe.each(backendCases)('admission with cached reads ($name)', (bc) => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness(bc, { admission: admissionPlugins() });
    // Serve from the caches: start them and wait until they answer.
    for (const key of ['/v1/resourcequotas', '/v1/limitranges', 'scheduling.k8s.io/v1/priorityclasses']) {
      const cache = cachedObjects(h.r(key))!;
      const deadline = Date.now() + 20_000;
      while ((await cache.list(key.includes('priority') ? '' : 'default')) === undefined) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for the ${key} cache`);
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  });
  afterEach(() => h.close());

  const createPod = (name: string, spec: Record<string, unknown> = {}) =>
    h.r('/v1/pods').create(ctx(), 'default', pod(name, spec));

  it('enforces a quota on the very next create, and its changes and removal too', async () => {
    await createPod('before');
    const quota = await h.r('/v1/resourcequotas').create(ctx(), 'default', {
      metadata: { name: 'q' },
      spec: { hard: { pods: '1' } },
    });
    const refused = await statusOf(createPod('over'));
    expect(refused.status.message).toBe(
      'pods "over" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1',
    );
    await h.r('/v1/resourcequotas').update(ctx(), 'default', 'q', {
      ...quota,
      metadata: { name: 'q' },
      spec: { hard: { pods: '2' } },
    });
    await createPod('fits');
    expect((await statusOf(createPod('over-again'))).status.message).toContain('limited: pods=2');
    await h.r('/v1/resourcequotas').delete(ctx(), 'default', 'q', {});
    expect((await createPod('free')).metadata!.name).toBe('free');
  });

  it('charges concurrent creates one by one: no two slip under the same limit', async () => {
    await h.r('/v1/resourcequotas').create(ctx(), 'default', {
      metadata: { name: 'q' },
      spec: { hard: { pods: '3' } },
    });
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => createPod(`c${i}`)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const q = await h.r('/v1/resourcequotas').get(ctx(), 'default', 'q');
    expect(q.status.used).toEqual({ pods: '3' });
  });

  it('applies a LimitRange and a PriorityClass created a moment ago', async () => {
    await h.r('/v1/limitranges').create(ctx(), 'default', {
      metadata: { name: 'limits' },
      spec: { limits: [{ type: 'Container', default: { cpu: '300m' }, max: { cpu: '1' } }] },
    });
    await h.r('scheduling.k8s.io/v1/priorityclasses').create(ctx(), '', {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'high' },
      value: 1000,
      globalDefault: true,
    });
    const created = await createPod('defaulted');
    expect(created.spec.containers[0].resources.limits).toEqual({ cpu: '300m' });
    expect(created.spec.priority).toBe(1000);
    expect(created.spec.priorityClassName).toBe('high');
    const refused = await statusOf(
      createPod('big', { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '2' } } }] }),
    );
    expect(refused.status.message).toBe(
      'pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2',
    );
  });
});
