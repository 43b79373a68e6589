// The informer's in-memory cache (client-go's cache.Indexer): objects by key (`ns/name`, or
// `name` for cluster-scoped ones) plus secondary indexes, e.g. pods by spec.nodeName. Every
// write is O(number of index values of the object), never O(store size).
import type { KubeObject } from './types.ts';

/** `namespace/name`, or `name` when there is no namespace (client-go MetaNamespaceKeyFunc). */
export function metaNamespaceKey(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

export function splitMetaNamespaceKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i === -1 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The values an object is indexed under (an object may have several, or none). */
export type IndexFunc<T extends KubeObject = KubeObject> = (obj: T) => readonly string[];
export type Indexers<T extends KubeObject = KubeObject> = Record<string, IndexFunc<T>>;

export const namespaceIndex = 'namespace';
export const indexByNamespace: IndexFunc = (obj) => (obj.metadata?.namespace ? [obj.metadata.namespace] : []);

/** Index by a dotted field path, e.g. fieldIndex('spec.nodeName'); objects without it are left out. */
export function fieldIndex<T extends KubeObject = KubeObject>(path: string): IndexFunc<T> {
  const parts = path.split('.');
  return (obj) => {
    let v: any = obj;
    for (const p of parts) {
      if (v === null || typeof v !== 'object') return [];
      v = v[p];
    }
    return v === undefined || v === null || v === '' ? [] : [String(v)];
  };
}

interface Index {
  fn: IndexFunc<any>;
  /** value -> keys */
  byValue: Map<string, Set<string>>;
  /** key -> the values it is indexed under now (so removal never re-runs fn on a stale object) */
  byKey: Map<string, readonly string[]>;
}

const none: readonly string[] = [];

export class Store<T extends KubeObject = KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexes = new Map<string, Index>();

  constructor(
    indexers: Indexers<T> = {},
    readonly keyOf: (obj: T) => string = metaNamespaceKey,
  ) {
    this.addIndexers(indexers);
  }

  /** Add indexes; existing objects are indexed right away. */
  addIndexers(indexers: Indexers<T>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.indexes.has(name)) throw new Error(`index "${name}" already exists`);
      const index: Index = { fn, byValue: new Map(), byKey: new Map() };
      this.indexes.set(name, index);
      for (const [key, obj] of this.items) this.reindex(index, key, obj);
    }
  }

  hasIndex(name: string): boolean {
    return this.indexes.has(name);
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  /** Insert or replace; returns the previous object under that key. */
  upsert(obj: T): T | undefined {
    const key = this.keyOf(obj);
    const old = this.items.get(key);
    this.items.set(key, obj);
    for (const index of this.indexes.values()) this.reindex(index, key, obj);
    return old;
  }

  /** Remove by key; returns what was there. */
  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (old === undefined) return undefined;
    this.items.delete(key);
    for (const index of this.indexes.values()) this.reindex(index, key, undefined);
    return old;
  }

  clear(): void {
    this.items.clear();
    for (const index of this.indexes.values()) {
      index.byValue.clear();
      index.byKey.clear();
    }
  }

  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  values(): IterableIterator<T> {
    return this.items.values();
  }

  entries(): IterableIterator<[string, T]> {
    return this.items.entries();
  }

  /** A snapshot array of every object (O(n): prefer byIndex for lookups). */
  list(): T[] {
    return [...this.items.values()];
  }

  /** Objects indexed under `value`, e.g. byIndex('nodeName', 'node-1'). */
  byIndex(indexName: string, value: string): T[] {
    const keys = this.indexKeys(indexName, value);
    const out: T[] = [];
    for (const k of keys) out.push(this.items.get(k) as T);
    return out;
  }

  /** Keys indexed under `value` (a live view: do not modify it). */
  indexKeys(indexName: string, value: string): ReadonlySet<string> {
    return this.index(indexName).byValue.get(value) ?? new Set();
  }

  /** Every value the index currently holds. */
  indexValues(indexName: string): string[] {
    return [...this.index(indexName).byValue.keys()];
  }

  private index(name: string): Index {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`index "${name}" does not exist`);
    return index;
  }

  private reindex(index: Index, key: string, obj: T | undefined): void {
    const before = index.byKey.get(key) ?? none;
    const after = obj === undefined ? none : index.fn(obj);
    if (sameValues(before, after)) return;
    for (const v of before) {
      const keys = index.byValue.get(v);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) index.byValue.delete(v);
    }
    for (const v of after) {
      let keys = index.byValue.get(v);
      if (!keys) index.byValue.set(v, (keys = new Set()));
      keys.add(key);
    }
    if (after.length === 0) index.byKey.delete(key);
    else index.byKey.set(key, after);
  }
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
