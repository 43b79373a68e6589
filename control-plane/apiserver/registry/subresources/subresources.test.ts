import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  backendCases,
  ctx,
  deployment,
  openHarness,
  pod,
  statusOf,
  type Harness,
} from '../testing/harness.ts';

describe.each(backendCases)('subresources ($name)', (bc) => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness(bc);
  });
  afterEach(() => h.close());

  it('pods/binding assigns a pod to a node once, and says why it will not twice', async () => {
    const pods = h.r('/v1/pods');
    await pods.create(ctx(), 'default', pod('p'));
    const binding = pods.subresource('binding')!;
    const answer = await binding.create!(ctx(), 'default', 'p', {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'p', annotations: { 'scheduler.example/why': 'fits' } },
      target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' },
    });
    expect(answer).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
    const bound = await pods.get(ctx(), 'default', 'p');
    expect(bound.spec.nodeName).toBe('node-1');
    expect(bound.metadata!.annotations).toEqual({ 'scheduler.example/why': 'fits' });
    expect(bound.status.conditions).toEqual([
      {
        type: 'PodScheduled',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ]);
    const twice = await statusOf(
      binding.create!(ctx(), 'default', 'p', { metadata: { name: 'p' }, target: { name: 'node-2' } }),
    );
    expect(twice.status).toMatchObject({
      code: 409,
      message:
        'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "node-1"',
    });
    const missing = await statusOf(binding.create!(ctx(), 'default', 'ghost', { target: { name: 'n' } }));
    expect(missing.code).toBe(404);
    const noTarget = await statusOf(
      binding.create!(ctx(), 'default', 'p', { metadata: { name: 'p' }, target: {} }),
    );
    expect(noTarget.code).toBe(422);
  });

  it('deployments/scale reads and writes spec.replicas as an autoscaling/v1 Scale', async () => {
    const deps = h.r('apps/v1/deployments');
    const created = await deps.create(ctx(), 'default', deployment('web', 2));
    const scale = deps.subresource('scale')!;
    const read = await scale.get!(ctx(), 'default', 'web');
    expect(read).toEqual({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: {
        name: 'web',
        namespace: 'default',
        uid: created.metadata!.uid,
        resourceVersion: created.metadata!.resourceVersion,
        creationTimestamp: created.metadata!.creationTimestamp,
      },
      spec: { replicas: 2 },
      status: { replicas: 0, selector: 'app=web' },
    });
    const patched = await scale.patch!(ctx(), 'default', 'web', 'merge', { spec: { replicas: 5 } });
    expect(patched.spec).toEqual({ replicas: 5 });
    const dep = await deps.get(ctx(), 'default', 'web');
    expect(dep.spec.replicas).toBe(5);
    expect(dep.metadata!.generation).toBe(2);
    const stale = await statusOf(scale.update!(ctx(), 'default', 'web', { ...read, spec: { replicas: 1 } }));
    expect(stale.code).toBe(409);
    const updated = await scale.update!(ctx(), 'default', 'web', { ...patched, spec: { replicas: 1 } });
    expect(updated.spec.replicas).toBe(1);
    const negative = await statusOf(scale.update!(ctx(), 'default', 'web', { spec: { replicas: -1 } }));
    expect(negative.code).toBe(422);
    expect(negative.message).toContain('spec.replicas');
    expect(h.r('/v1/configmaps').subresource('scale')).toBeUndefined();
  });
});
