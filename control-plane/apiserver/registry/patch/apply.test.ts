import { describe, expect, it } from 'vitest';
import { StatusError } from '../../status.ts';
import type { KubeObject } from '../types.ts';
import { serverSideApply } from './apply.ts';
import { describePath, fieldSetOf, fromFieldsV1, joinPath, toFieldsV1 } from './field-set.ts';
import { recordUpdate } from './managed-fields.ts';

const now = new Date('2026-01-02T03:04:05.678Z');
const cm = (data: Record<string, string>, extra: object = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'default' },
  data,
  ...extra,
});
const apply = (live: KubeObject | undefined, config: object, manager = 'a', force = false) =>
  serverSideApply(live, config, { manager, force, now });
const conflictOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err.status;
    throw err;
  }
  throw new Error('expected a conflict');
};

describe('field sets', () => {
  it('names fields, associative list items by key and set members by value', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', uid: 'x', labels: { app: 'a' }, finalizers: ['f'] },
      spec: { containers: [{ name: 'web', image: 'i', args: ['a', 'b'] }] },
      status: { phase: 'Running' },
    };
    expect(toFieldsV1(fieldSetOf(pod, undefined, 'main'))).toEqual({
      'f:metadata': { 'f:finalizers': {}, 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:args': {}, 'f:image': {}, 'f:name': {} } },
      },
    });
  });

  it('round-trips through FieldsV1 and names paths like upstream', () => {
    const set = new Set([
      joinPath(['f:spec', 'f:containers', 'k:{"name":"web"}']),
      joinPath(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']),
      joinPath(['f:metadata', 'f:finalizers', 'v:"x"']),
    ]);
    expect(fromFieldsV1(toFieldsV1(set))).toEqual(set);
    expect(describePath(joinPath(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']))).toBe(
      '.spec.containers[name="web"].image',
    );
    expect(describePath(joinPath(['f:metadata', 'f:finalizers', 'v:"x"']))).toBe(
      '.metadata.finalizers[="x"]',
    );
  });
});

describe('server-side apply', () => {
  it.each([
    {
      name: 'creates with one Apply entry',
      live: undefined,
      config: cm({ a: '1' }),
      want: { data: { a: '1' }, fields: { 'f:data': { 'f:a': {} } } },
    },
    {
      name: 'merges maps, keeping fields others set',
      live: apply(cm({ a: '1' }), cm({ b: '2' }), 'other'),
      config: cm({ a: '1' }),
      want: { data: { a: '1', b: '2' } },
    },
    {
      name: 'removes a field it no longer applies',
      live: apply(undefined, cm({ a: '1', b: '2' })),
      config: cm({ a: '1' }),
      want: { data: { a: '1' } },
    },
    {
      name: 'keeps a dropped field someone else also owns',
      live: apply(apply(undefined, cm({ a: '1', b: '2' })), cm({ b: '2' }), 'other'),
      config: cm({ a: '1' }),
      want: { data: { a: '1', b: '2' } },
    },
  ])('$name', ({ live, config, want }) => {
    const out = apply(live as KubeObject | undefined, config) as any;
    expect(out.data).toEqual(want.data);
    const mine = out.metadata.managedFields.find((e: any) => e.manager === 'a');
    expect(mine).toMatchObject({
      operation: 'Apply',
      apiVersion: 'v1',
      fieldsType: 'FieldsV1',
      time: '2026-01-02T03:04:05Z',
    });
    if (want.fields) expect(mine.fieldsV1).toEqual(want.fields);
  });

  it('merges containers by name and ports by their keys', () => {
    const dep = (containers: object[]) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { template: { spec: { containers } } },
    });
    const live = apply(undefined, dep([{ name: 'web', image: 'a' }]), 'one');
    const out = apply(
      live,
      dep([{ name: 'side', image: 'b', ports: [{ containerPort: 80 }] }]),
      'two',
    ) as any;
    expect(out.spec.template.spec.containers).toEqual([
      { name: 'web', image: 'a' },
      { name: 'side', image: 'b', ports: [{ containerPort: 80 }] },
    ]);
  });

  it('reports conflicts with managers that set the field to another value, unless forced', () => {
    const live = apply(cm({ a: '1' }), cm({ a: '1', b: '1' }), 'other');
    expect(conflictOf(() => apply(live, cm({ a: '2' })))).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "other": .data.a',
      details: {
        causes: [{ type: 'FieldManagerConflict', message: 'conflict with "other"', field: '.data.a' }],
      },
    });
    expect(conflictOf(() => apply(live, cm({ a: '2', b: '2' }))).message).toBe(
      'Apply failed with 2 conflicts: conflicts with "other":\n- .data.a\n- .data.b',
    );
    // The same value is shared ownership, not a conflict.
    expect((apply(live, cm({ a: '1' })) as any).metadata.managedFields).toHaveLength(2);
    const forced = apply(live, cm({ a: '2' }), 'a', true) as any;
    expect(forced.data).toEqual({ a: '2', b: '1' });
    expect(forced.metadata.managedFields.map((e: any) => [e.manager, e.fieldsV1])).toEqual([
      ['other', { 'f:data': { 'f:b': {} } }],
      ['a', { 'f:data': { 'f:a': {} } }],
    ]);
  });

  it('names Update managers with their API version in conflicts', () => {
    const live = cm({ a: '1' }) as KubeObject;
    recordUpdate(undefined, live, 'kubectl-client-side-apply', now);
    expect(conflictOf(() => apply(live, cm({ a: '2' }))).message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.a',
    );
  });
});

describe('Update entries', () => {
  it('record the fields a write changed and take them from other managers', () => {
    const obj = cm({ a: '1', b: '1' }) as KubeObject;
    recordUpdate(undefined, obj, 'creator', now);
    const next = structuredClone(obj);
    next.data.b = '2';
    recordUpdate(obj, next, 'editor', now);
    expect(next.metadata!.managedFields.map((e: any) => [e.manager, e.operation, e.fieldsV1])).toEqual([
      ['creator', 'Update', { 'f:data': { '.': {}, 'f:a': {} } }],
      ['editor', 'Update', { 'f:data': { 'f:b': {} } }],
    ]);
    const same = structuredClone(next);
    recordUpdate(next, same, 'third', new Date());
    expect(same.metadata!.managedFields).toEqual(next.metadata!.managedFields);
  });

  it('take managedFields a request changed as given: [{}] clears them', () => {
    const obj = cm({ a: '1' }) as KubeObject;
    recordUpdate(undefined, obj, 'creator', now);
    const cleared = structuredClone(obj);
    cleared.metadata!.managedFields = [{}];
    recordUpdate(obj, cleared, 'patcher', now);
    expect(cleared.metadata!.managedFields).toBeUndefined();
  });
});
