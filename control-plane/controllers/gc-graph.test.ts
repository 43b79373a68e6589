import { describe, expect, it } from 'vitest';
import type { KubeObject, OwnerReference } from '../../api/client/index.ts';
import { DependencyGraph, identityOf } from './gc-graph.ts';

const ref = (uid: string, extra: Partial<OwnerReference> = {}): OwnerReference => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name: `cm-${uid}`,
  uid,
  ...extra,
});

const obj = (uid: string, owners: OwnerReference[] = [], meta: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: `cm-${uid}`, namespace: 'default', uid, ownerReferences: owners, ...meta },
});

function setup() {
  const deletes: string[] = [];
  const orphans: string[] = [];
  const graph = new DependencyGraph({
    attemptToDelete: (n) => deletes.push(n.uid),
    attemptToOrphan: (n) => orphans.push(n.uid),
  });
  const observe = (o: KubeObject, old?: KubeObject) =>
    graph.observe(identityOf(o, 'v1', 'ConfigMap'), o, old);
  return { graph, deletes, orphans, observe };
}

describe('DependencyGraph', () => {
  it('links dependents to owners seen before or after them', () => {
    const { graph, deletes, observe } = setup();
    observe(obj('child', [ref('parent')]));
    // The owner is not known yet: a virtual node, queued so the collector checks it exists.
    expect(graph.get('parent')?.virtual).toBe(true);
    expect(deletes).toEqual(['parent']);
    observe(obj('parent'));
    expect(graph.get('parent')?.virtual).toBe(false);
    expect([...graph.get('parent')!.dependents].map((d) => d.uid)).toEqual(['child']);
  });

  it('queues the dependents of a deleted owner, and the owner of a deleted dependent that waits', () => {
    const { graph, deletes, observe } = setup();
    observe(obj('parent'));
    observe(obj('a', [ref('parent', { blockOwnerDeletion: true })]));
    observe(obj('b', [ref('parent')]));
    deletes.length = 0;
    graph.observeDeletion('parent');
    expect(deletes.sort()).toEqual(['a', 'b']);
    expect(graph.get('parent')).toBeUndefined();
  });

  it('marks a foreground deletion and queues the owner and every dependent', () => {
    const { graph, deletes, observe } = setup();
    const parent = obj('parent');
    observe(parent);
    observe(obj('a', [ref('parent', { blockOwnerDeletion: true })]));
    deletes.length = 0;
    observe(obj('parent', [], { deletionTimestamp: 'now', finalizers: ['foregroundDeletion'] }), parent);
    const node = graph.get('parent')!;
    expect(node.deletingDependents).toBe(true);
    expect(node.blockingDependents().map((d) => d.uid)).toEqual(['a']);
    expect(deletes).toEqual(['a', 'parent']);
    // The blocking dependent goes: the waiting owner is looked at again.
    deletes.length = 0;
    graph.observeDeletion('a');
    expect(deletes).toEqual(['parent']);
  });

  it('queues an owner for orphaning when the orphan finalizer appears with deletion', () => {
    const { orphans, observe } = setup();
    const parent = obj('parent');
    observe(parent);
    observe(obj('parent', [], { finalizers: ['orphan'] }), parent); // not deleting yet
    expect(orphans).toEqual([]);
    observe(obj('parent', [], { deletionTimestamp: 'now', finalizers: ['orphan'] }), parent);
    expect(orphans).toEqual(['parent']);
  });

  it('frees a waiting owner when a blocking reference is removed or unblocked', () => {
    const { graph, deletes, observe } = setup();
    observe(obj('parent', [], { deletionTimestamp: 'now', finalizers: ['foregroundDeletion'] }));
    const a = obj('a', [ref('parent', { blockOwnerDeletion: true })]);
    observe(a);
    deletes.length = 0;
    observe(obj('a', [ref('parent', { blockOwnerDeletion: false })]), a);
    expect(deletes).toEqual(['parent']);
    expect(graph.get('parent')!.blockingDependents()).toEqual([]);
  });

  it('drops a virtual owner found absent and queues its dependents, but keeps one seen meanwhile', () => {
    const { graph, deletes, observe } = setup();
    observe(obj('child', [ref('ghost')]));
    const ghost = graph.get('ghost')!;
    deletes.length = 0;
    graph.virtualOwnerAbsent(ghost);
    expect(graph.get('ghost')).toBeUndefined();
    expect(deletes).toEqual(['child']);

    observe(obj('child2', [ref('late')]));
    const late = graph.get('late')!;
    observe(obj('late'));
    graph.virtualOwnerAbsent(late);
    expect(graph.get('late')).toBe(late);
  });
});
