// Field sets of server-side apply: which fields of an object a manager owns, in upstream's
// FieldsV1 form (`{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{}}}}}`).
// A path is a list of elements: `f:<field>`, `k:<keys as JSON>` for an item of an associative
// list, `v:<value as JSON>` for an item of a set; atomic lists and scalars are leaves. Lists
// merge as their schema says (`list-schema.ts`).
import type { OpenApiSchema } from '../../../../api/openapi/schema.ts';
import { isJsonObject, type JsonObject } from './json-value.ts';
import { declaredListStrategy, fieldSchema, itemSchema } from './list-schema.ts';

/** Paths joined by NUL, so a set is a plain Set<string>. */
export type FieldSet = Set<string>;
export const SEP = '\u0000';

export const joinPath = (elements: string[]) => elements.join(SEP);
export const splitPath = (path: string) => (path === '' ? [] : path.split(SEP));

/** Metadata the server owns: never part of anyone's field set (upstream's ignored fields). */
const ignoredMetadata = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

/** How the list at a schema merges: keys of an associative list, a set, or atomic. */
export function listKind(
  schema: OpenApiSchema | undefined,
  items: unknown[],
): { keys?: string[]; set?: boolean } {
  const declared = declaredListStrategy(schema);
  if (declared?.mapKeys) return { keys: declared.mapKeys };
  if (declared?.set) return { set: true };
  if (declared || schema) return {};
  // No schema (custom resources): lists of named objects are associative by name, like kubectl's guess.
  if (items.length > 0 && items.every((i) => isJsonObject(i) && typeof i.name === 'string'))
    return { keys: ['name'] };
  return {};
}

/** List map keys with a default in upstream's schema: a port applied without protocol is TCP. */
const keyDefaults: Record<string, unknown> = { protocol: 'TCP' };

export function itemKey(item: unknown, keys: string[]): string {
  const k: JsonObject = {};
  if (isJsonObject(item))
    for (const name of keys) {
      const v = item[name] ?? keyDefaults[name];
      if (v !== undefined) k[name] = v;
    }
  return `k:${JSON.stringify(k)}`;
}

/** Every field path `obj` sets; `scope` 'main' leaves status out, 'status' keeps only status. */
export function fieldSetOf(
  obj: JsonObject,
  schema: OpenApiSchema | undefined,
  scope: 'main' | 'status',
): FieldSet {
  const out: FieldSet = new Set();
  for (const k in obj) {
    const v = obj[k];
    if (k === 'apiVersion' || k === 'kind') continue;
    if ((k === 'status') !== (scope === 'status') && k !== 'metadata') continue;
    if (k === 'metadata' && isJsonObject(v)) {
      const metaSchema = fieldSchema(schema, 'metadata');
      for (const mk in v) {
        if (ignoredMetadata.has(mk)) continue;
        walk(v[mk], fieldSchema(metaSchema, mk), `f:metadata${SEP}f:${mk}`, out);
      }
      continue;
    }
    walk(v, fieldSchema(schema, k), `f:${k}`, out);
  }
  return out;
}

// Paths are built as joined strings as the walk goes down (one concatenation per level, not an
// array copy and a join per field): this runs on every write's managedFields.
function walk(value: unknown, schema: OpenApiSchema | undefined, path: string, out: FieldSet): void {
  if (isJsonObject(value) && hasKeys(value) && !atomicObject(schema, value)) {
    for (const k in value) walk(value[k], fieldSchema(schema, k), `${path}${SEP}f:${k}`, out);
    return;
  }
  if (Array.isArray(value) && value.length > 0) {
    const kind = listKind(schema, value);
    if (kind.keys) {
      for (const item of value) {
        const itemPath = `${path}${SEP}${itemKey(item, kind.keys)}`;
        out.add(itemPath);
        if (isJsonObject(item))
          for (const k in item)
            walk(item[k], fieldSchema(itemSchema(schema), k), `${itemPath}${SEP}f:${k}`, out);
      }
      return;
    }
    if (kind.set) {
      for (const item of value) out.add(`${path}${SEP}v:${JSON.stringify(item)}`);
      return;
    }
  }
  out.add(path);
}

function hasKeys(obj: JsonObject): boolean {
  for (const _ in obj) return true;
  return false;
}

/**
 * Objects owned whole: free-form ones (preserve-unknown-fields) and label selectors, which
 * upstream marks `+structType=atomic`.
 */
function atomicObject(schema: OpenApiSchema | undefined, value: JsonObject): boolean {
  if ('matchLabels' in value || 'matchExpressions' in value) return true;
  return (
    !!schema?.['x-kubernetes-preserve-unknown-fields'] && !schema.properties && !schema.additionalProperties
  );
}

/** The value at `path` in `obj`, or undefined. */
export function valueAt(obj: unknown, path: string[]): unknown {
  let cur: unknown = obj;
  for (const el of path) {
    if (cur === undefined) return undefined;
    cur = step(cur, el);
  }
  return cur;
}

/** One element of a path down from `cur` (which is not undefined). */
export function step(cur: unknown, el: string): unknown {
  if (el.startsWith('f:')) return isJsonObject(cur) ? cur[el.slice(2)] : undefined;
  if (!Array.isArray(cur)) return undefined;
  if (el.startsWith('v:')) {
    const v = el.slice(2);
    return cur.find((x) => JSON.stringify(x) === v);
  }
  const keys = JSON.parse(el.slice(2)) as JsonObject;
  return cur.find(
    (x) =>
      isJsonObject(x) &&
      Object.entries(keys).every(([k, v]) => JSON.stringify(x[k] ?? keyDefaults[k]) === JSON.stringify(v)),
  );
}

/** Removes the value at `path` from `obj` in place (a list item, a set member or a field). */
export function removeAt(obj: unknown, path: string[]): void {
  const parent = valueAt(obj, path.slice(0, -1));
  const el = path[path.length - 1]!;
  if (el.startsWith('f:')) {
    if (isJsonObject(parent)) delete parent[el.slice(2)];
    return;
  }
  if (!Array.isArray(parent)) return;
  const item = step(parent, el);
  const i = parent.indexOf(item);
  if (i >= 0) parent.splice(i, 1);
}

/** FieldsV1 JSON: nested objects, `{}` leaves, `.` where a path has members below it. */
export function toFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  // Each path's node, so marking the ones with members below needs no second walk down. The
  // paths need no sorting: sortTree orders every level.
  const nodes: JsonObject[] = [];
  for (const path of set) {
    let node = root;
    for (const el of splitPath(path)) {
      let next = node[el] as JsonObject | undefined;
      if (next === undefined) node[el] = next = {};
      node = next;
    }
    nodes.push(node);
  }
  for (const node of nodes) if (hasKeys(node)) node['.'] = {};
  return sortTree(root);
}

function sortTree(node: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(node).sort()) out[k] = sortTree(node[k] as JsonObject);
  return out;
}

export function fromFieldsV1(fields: unknown): FieldSet {
  const out: FieldSet = new Set();
  // `path` is the joined path so far ('' at the root), extended by one concatenation per level.
  const visit = (node: unknown, path: string) => {
    if (!isJsonObject(node)) return;
    let empty = true;
    for (const k in node) {
      empty = false;
      if (k === '.') out.add(path);
      else visit(node[k], path === '' ? normalizeKey(k) : `${path}${SEP}${normalizeKey(k)}`);
    }
    if (empty && path !== '') out.add(path);
  };
  visit(fields, '');
  return out;
}

/** A port key written without its defaulted protocol (kubectl's CSA upgrade does) names the TCP one. */
function normalizeKey(el: string): string {
  if (!el.startsWith('k:')) return el;
  const keys = JSON.parse(el.slice(2)) as JsonObject;
  if (('containerPort' in keys || 'port' in keys) && !('protocol' in keys))
    return `k:${JSON.stringify({ ...keys, protocol: keyDefaults.protocol })}`;
  return el;
}

/** Upstream's way of naming a path in conflict messages: `.spec.containers[name="web"].image`. */
export function describePath(path: string): string {
  return splitPath(path)
    .map((el) => {
      if (el.startsWith('f:')) return `.${el.slice(2)}`;
      if (el.startsWith('v:')) return `[=${el.slice(2)}]`;
      const keys = JSON.parse(el.slice(2)) as JsonObject;
      return `[${Object.entries(keys)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}
