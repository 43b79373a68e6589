// metadata.managedFields: who owns which fields. Every write records an entry: server-side apply
// an `Apply` entry per manager (apply.ts), every other write (create, update, patch) an `Update`
// entry for its field manager holding the fields it changed, which other managers then lose
// (upstream's fieldmanager). Entries with no fields left are dropped.
import { deepEqual } from '../deep-equal.ts';
import type { KubeObject } from '../types.ts';
import { fieldSetOf, fromFieldsV1, SEP, step, toFieldsV1, type FieldSet } from './field-set.ts';
import type { JsonObject } from './json-value.ts';
import { schemaForKind } from './list-schema.ts';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

/** An entry with its fields decoded; `set` is edited, `toEntries` encodes it back. */
export interface Owner {
  entry: ManagedFieldsEntry;
  set: FieldSet;
  changed?: boolean;
}

export function ownersOf(obj: KubeObject | undefined): Owner[] {
  const list = obj?.metadata?.managedFields;
  if (!Array.isArray(list)) return [];
  return list
    .filter((e: any) => e && typeof e.manager === 'string' && typeof e.operation === 'string')
    .map((entry: ManagedFieldsEntry) => ({ entry, set: fromFieldsV1(entry.fieldsV1) }));
}

export function toEntries(owners: Owner[], now: string): ManagedFieldsEntry[] {
  return owners
    .filter((o) => o.set.size > 0)
    .map((o) => {
      if (!o.changed) return o.entry;
      return { ...o.entry, time: now, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(o.set) };
    });
}

export const sameOwner = (e: ManagedFieldsEntry, manager: string, op: string, subresource?: string) =>
  e.manager === manager && e.operation === op && (e.subresource ?? '') === (subresource ?? '');

/** Go fields that are never omitted (non-pointer structs, lists without omitempty). */
const alwaysPresent = new Set([
  'metadata',
  'spec',
  'status',
  'template',
  'strategy',
  'updateStrategy',
  'resources',
  'containers',
]);

/** Upstream's time format: RFC 3339 to the second. */
export const managedTime = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * Records a non-apply write of `obj` (replacing `old`, or creating it) by `manager` on
 * `obj.metadata.managedFields`. Leaves the entries alone when the write changes no field.
 */
export function recordUpdate(
  old: KubeObject | undefined,
  obj: KubeObject,
  manager: string,
  now: Date,
  subresource?: string,
): void {
  const schema = schemaForKind(obj.apiVersion, obj.kind);
  // CSRs' /approval writes status (the Approved/Denied conditions), like /status.
  const scope = subresource === 'status' || subresource === 'approval' ? 'status' : 'main';
  const after = fieldSetOf(obj as JsonObject, schema, scope);
  const before = old ? fieldSetOf(old as JsonObject, schema, scope) : new Set<string>();
  const parents = prefixesOf(after);
  const changed = new Set<string>();
  const oldAt = valuesOf(old);
  const newAt = valuesOf(obj);
  for (const p of after) {
    if (!before.has(p)) changed.add(p);
    else if (!parents.has(p) && !deepEqual(oldAt(p), newAt(p))) changed.add(p);
  }
  // A map, list or optional struct the write brought into being is owned itself too (`.`),
  // as upstream's comparison of the old and new objects reports it added.
  for (const p of parents) {
    const last = p.slice(p.lastIndexOf(SEP) + 1);
    if (last.startsWith('f:') && !alwaysPresent.has(last.slice(2)) && oldAt(p) === undefined) changed.add(p);
  }
  const removed = [...before].filter((p) => !after.has(p));
  // managedFields the request changed are taken as given (`[{}]` clears them, as upstream
  // documents); otherwise the stored ones are the base.
  const incoming = obj.metadata?.managedFields;
  const given =
    Array.isArray(incoming) && incoming.length > 0 && !deepEqual(incoming, old?.metadata?.managedFields);
  const base = given ? obj : old;
  const owners = ownersOf(base);
  if (changed.size === 0 && removed.length === 0) {
    setEntries(obj, given ? toEntries(owners, managedTime(now)) : old?.metadata?.managedFields);
    return;
  }
  let mine = owners.find((o) => sameOwner(o.entry, manager, 'Update', subresource));
  if (!mine) {
    mine = {
      entry: {
        manager,
        operation: 'Update',
        apiVersion: String(obj.apiVersion ?? ''),
        fieldsType: 'FieldsV1',
        fieldsV1: {},
        ...(subresource ? { subresource } : {}),
      },
      set: new Set(),
    };
    owners.push(mine);
  }
  for (const o of owners) {
    const before = o.set.size;
    for (const p of removed) o.set.delete(p);
    if (o !== mine) for (const p of changed) o.set.delete(p);
    if (o.set.size !== before) o.changed = true;
  }
  for (const p of changed) mine.set.add(p);
  mine.changed = true;
  mine.entry = { ...mine.entry, apiVersion: String(obj.apiVersion ?? '') };
  setEntries(obj, toEntries(owners, managedTime(now)));
}

export function setEntries(obj: KubeObject, entries: unknown): void {
  const meta = (obj.metadata ??= {});
  if (Array.isArray(entries) && entries.length > 0) meta.managedFields = entries;
  else delete meta.managedFields;
}

/**
 * `valueAt(obj, splitPath(path))` for many paths of one object: each prefix is resolved once
 * (sibling fields share their parents' steps, and a list item's key is parsed once).
 */
function valuesOf(obj: unknown): (path: string) => unknown {
  // Only parents are kept: a leaf is asked for once, its parent by each of its siblings.
  const parents = new Map<string, unknown>();
  const parentAt = (path: string): unknown => {
    const hit = parents.get(path);
    if (hit !== undefined || parents.has(path)) return hit;
    const value = at(path);
    parents.set(path, value);
    return value;
  };
  const at = (path: string): unknown => {
    if (path === '') return obj;
    const sep = path.lastIndexOf(SEP);
    const parent = sep < 0 ? obj : parentAt(path.slice(0, sep));
    return parent === undefined ? undefined : step(parent, sep < 0 ? path : path.slice(sep + 1));
  };
  return at;
}

/** Every proper prefix of the paths in `set`: the paths that have fields below them. */
export function prefixesOf(set: FieldSet): Set<string> {
  const out = new Set<string>();
  // Each separator ends a proper prefix (a path is its elements joined by NUL). Longest first:
  // once a prefix is known, so are all of its own prefixes (siblings share them).
  for (const p of set)
    for (let sep = p.lastIndexOf(SEP); sep > 0; sep = p.lastIndexOf(SEP, sep - 1)) {
      const prefix = p.slice(0, sep);
      if (out.has(prefix)) break;
      out.add(prefix);
    }
  return out;
}
