import { describe, expect, it } from 'vitest';
import {
  fieldIndex,
  metaNamespaceKey,
  namespaceIndex,
  indexByNamespace,
  splitMetaNamespaceKey,
  Store,
} from './store.ts';
import type { KubeObject } from './types.ts';

const pod = (ns: string, name: string, node?: string, labels?: Record<string, string>): KubeObject => ({
  metadata: { namespace: ns, name, labels },
  spec: node ? { nodeName: node } : {},
});

const names = (objs: KubeObject[]) => objs.map((o) => o.metadata?.name).sort();

describe('keys', () => {
  it('are ns/name for namespaced objects and name for cluster-scoped ones', () => {
    expect(metaNamespaceKey(pod('default', 'web'))).toBe('default/web');
    expect(metaNamespaceKey({ metadata: { name: 'node-1' } })).toBe('node-1');
    expect(splitMetaNamespaceKey('default/web')).toEqual({ namespace: 'default', name: 'web' });
    expect(splitMetaNamespaceKey('node-1')).toEqual({ namespace: '', name: 'node-1' });
  });
});

describe('Store', () => {
  const make = () => new Store({ [namespaceIndex]: indexByNamespace, nodeName: fieldIndex('spec.nodeName') });

  it('finds objects by key and by index', () => {
    const s = make();
    s.upsert(pod('a', 'p1', 'n1'));
    s.upsert(pod('a', 'p2', 'n2'));
    s.upsert(pod('b', 'p3', 'n1'));
    expect(s.get('a/p1')?.metadata?.name).toBe('p1');
    expect(names(s.byIndex('nodeName', 'n1'))).toEqual(['p1', 'p3']);
    expect(names(s.byIndex(namespaceIndex, 'a'))).toEqual(['p1', 'p2']);
    expect(s.indexValues('nodeName').sort()).toEqual(['n1', 'n2']);
    expect(s.byIndex('nodeName', 'nowhere')).toEqual([]);
  });

  it('moves an object between index values when it changes, and returns the old object', () => {
    const s = make();
    const before = pod('a', 'p1');
    s.upsert(before);
    expect(s.byIndex('nodeName', 'n1')).toEqual([]);
    expect(s.upsert(pod('a', 'p1', 'n1'))).toBe(before);
    expect(names(s.byIndex('nodeName', 'n1'))).toEqual(['p1']);
    s.upsert(pod('a', 'p1', 'n2'));
    expect(s.byIndex('nodeName', 'n1')).toEqual([]);
    expect(s.indexValues('nodeName')).toEqual(['n2']);
  });

  it('removes deleted objects from every index', () => {
    const s = make();
    s.upsert(pod('a', 'p1', 'n1'));
    expect(s.delete('a/p1')?.metadata?.name).toBe('p1');
    expect(s.delete('a/p1')).toBeUndefined();
    expect(s.size).toBe(0);
    expect(s.indexValues('nodeName')).toEqual([]);
    expect(s.indexValues(namespaceIndex)).toEqual([]);
  });

  it('keeps the index right even if a cached object is mutated in place before its update', () => {
    const s = make();
    const p = pod('a', 'p1', 'n1');
    s.upsert(p);
    p.spec.nodeName = 'n9'; // a careless caller
    s.upsert(pod('a', 'p1', 'n2'));
    expect(s.byIndex('nodeName', 'n1')).toEqual([]);
    expect(names(s.byIndex('nodeName', 'n2'))).toEqual(['p1']);
  });

  it('supports indexes with several values per object, added after objects exist', () => {
    const s = new Store();
    s.upsert(pod('a', 'p1', undefined, { app: 'web', tier: 'front' }));
    s.upsert(pod('a', 'p2', undefined, { app: 'db' }));
    s.addIndexers({ label: (o) => Object.entries(o.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`) });
    expect(names(s.byIndex('label', 'tier=front'))).toEqual(['p1']);
    expect(names(s.byIndex('label', 'app=db'))).toEqual(['p2']);
    expect(() => s.addIndexers({ label: () => [] })).toThrow(/already exists/);
    expect(() => s.byIndex('missing', 'x')).toThrow(/does not exist/);
  });

  it('clears everything', () => {
    const s = make();
    s.upsert(pod('a', 'p1', 'n1'));
    s.clear();
    expect(s.list()).toEqual([]);
    expect(s.byIndex('nodeName', 'n1')).toEqual([]);
  });
});
