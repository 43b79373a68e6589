import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendCases, ctx, openHarness, pod, statusOf, type Harness } from '../testing/harness.ts';

const eviction = (name: string, deleteOptions?: Record<string, unknown>) => ({
  apiVersion: 'policy/v1',
  kind: 'Eviction',
  metadata: { name, namespace: 'default' },
  ...(deleteOptions ? { deleteOptions } : {}),
});

describe.each(backendCases)('pods/eviction ($name)', (bc) => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness(bc);
  });
  afterEach(() => h.close());

  it('deletes an unbound pod at once and answers a 201 Success', async () => {
    const pods = h.r('/v1/pods');
    await pods.create(ctx(), 'default', pod('p'));
    const answer = await pods.subresource('eviction')!.create!(ctx(), 'default', 'p', eviction('p'));
    expect(answer).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
    expect((await statusOf(pods.get(ctx(), 'default', 'p'))).code).toBe(404);
  });

  it('a bound pod is deleted gracefully, with the grace period the Eviction asks for', async () => {
    const pods = h.r('/v1/pods');
    await pods.create(ctx(), 'default', { ...pod('p'), spec: { ...pod('p').spec, nodeName: 'n1' } });
    await pods.subresource('eviction')!.create!(
      ctx(),
      'default',
      'p',
      eviction('p', { gracePeriodSeconds: 7 }),
    );
    const going = await pods.get(ctx(), 'default', 'p');
    expect(going.metadata!.deletionTimestamp).toBeDefined();
    expect(going.metadata!.deletionGracePeriodSeconds).toBe(7);
  });

  it('dryRun in the deleteOptions leaves the pod alone; preconditions are honoured', async () => {
    const pods = h.r('/v1/pods');
    const created = await pods.create(ctx(), 'default', pod('p'));
    const evict = pods.subresource('eviction')!;
    await evict.create!(ctx(), 'default', 'p', eviction('p', { dryRun: ['All'] }));
    expect((await pods.get(ctx(), 'default', 'p')).metadata!.uid).toBe(created.metadata!.uid);
    const stale = await statusOf(
      evict.create!(ctx(), 'default', 'p', eviction('p', { preconditions: { uid: 'not-it' } })),
    );
    expect(stale.code).toBe(409);
    expect(
      (await statusOf(evict.create!(ctx(), 'default', 'ghost', eviction('ghost')))).status,
    ).toMatchObject({ code: 404, message: 'pods "ghost" not found' });
  });
});
