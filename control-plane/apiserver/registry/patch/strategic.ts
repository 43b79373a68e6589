// Strategic merge patch (application/strategic-merge-patch+json): maps merge like a JSON merge
// patch, honouring the `$patch: replace|delete|merge`, `$retainKeys` and
// `$deleteFromPrimitiveList/<field>` directives; lists merge by the merge key the type's schema
// declares (`list-schema.ts`: containers by name, ports by containerPort, ...), lists of scalars
// with strategy merge (finalizers) as sets, and other lists are replaced. Where a type has no
// schema (custom resources) the key comes from `$setElementOrder/<field>` (kubectl sends one with
// every list it changes) or from a short table of well-known fields.
import { badRequest } from '../../status.ts';
import { deepEqual } from '../deep-equal.ts';
import type { OpenApiSchema } from '../../../../api/openapi/schema.ts';
import { isJsonObject, type JsonObject } from './json-value.ts';
import { declaredListStrategy, fieldSchema, itemSchema, schemaForKind } from './list-schema.ts';

/** Merge keys of the list fields patched most often, by field name (upstream's patchMergeKey tags). */
const wellKnownMergeKeys: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
};

const containerLists = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** How the list at `path` (field names from the root, no indices) merges. */
function listStrategy(path: string[], schema: OpenApiSchema | undefined): { key?: string; set?: boolean } {
  const declared = declaredListStrategy(schema);
  if (declared)
    return {
      ...(declared.mergeKey ? { key: declared.mergeKey } : {}),
      ...(declared.set ? { set: true } : {}),
    };
  if (schema) return {};
  const field = path[path.length - 1]!;
  const parent = path[path.length - 2];
  if (parent === 'metadata' && field === 'finalizers') return { set: true };
  if (parent === 'metadata' && field === 'ownerReferences') return { key: 'uid' };
  if (field === 'ports') {
    if (parent && containerLists.has(parent)) return { key: 'containerPort' };
    return path.length === 2 && parent === 'spec' ? { key: 'port' } : {};
  }
  return { key: wellKnownMergeKeys[field] };
}

const DELETE = Symbol('delete');
type Merged = unknown | typeof DELETE;

export function applyStrategicMergePatch(doc: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) throw badRequest('Invalid JSON Patch');
  const original = isJsonObject(doc) ? doc : undefined;
  const schema = schemaForKind(original?.apiVersion ?? patch.apiVersion, original?.kind ?? patch.kind);
  const out = mergeMap(original, patch, [], schema);
  return out === DELETE ? {} : out;
}

function mergeMap(
  original: JsonObject | undefined,
  patch: JsonObject,
  path: string[],
  schema: OpenApiSchema | undefined,
): Merged {
  if (patch.$patch === 'delete') return DELETE;
  if (patch.$patch === 'replace') return stripDirectives(patch);
  const out: JsonObject = original ? { ...original } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) {
      delete out[k];
      continue;
    }
    const merged = mergeField(
      out[k],
      v,
      [...path, k],
      patch[`$setElementOrder/${k}`],
      fieldSchema(schema, k),
    );
    if (merged === DELETE) delete out[k];
    else out[k] = merged;
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$deleteFromPrimitiveList/') && Array.isArray(v)) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field]))
        out[field] = (out[field] as unknown[]).filter((x) => !v.some((d) => deepEqual(d, x)));
    } else if (k.startsWith('$setElementOrder/') && !(k.slice(17) in patch)) {
      const field = k.slice('$setElementOrder/'.length);
      if (Array.isArray(out[field])) out[field] = reorder(out[field] as unknown[], v, mergeKeyOf(v));
    }
  }
  if (Array.isArray(patch.$retainKeys)) {
    const retain = new Set(patch.$retainKeys);
    for (const k of Object.keys(out)) if (!retain.has(k)) delete out[k];
  }
  return out;
}

function mergeField(
  original: unknown,
  patch: unknown,
  path: string[],
  order: unknown,
  schema: OpenApiSchema | undefined,
): Merged {
  if (isJsonObject(patch))
    return mergeMap(isJsonObject(original) ? original : undefined, patch, path, schema);
  if (!Array.isArray(patch)) return patch;
  const strategy = listStrategy(path, schema);
  if (strategy.set && Array.isArray(original) && patch.every((x) => !isJsonObject(x))) {
    const merged = [...original, ...patch.filter((x) => !original.some((o) => deepEqual(o, x)))];
    return Array.isArray(order) ? reorder(merged, order, undefined, original) : merged;
  }
  return mergeList(original, patch, strategy.key ?? mergeKeyOf(order), order, path, itemSchema(schema));
}

function mergeList(
  original: unknown,
  patch: unknown[],
  key: string | undefined,
  order: unknown,
  path: string[],
  schema: OpenApiSchema | undefined,
): unknown[] {
  const replaceAll = patch.some(
    (item) => isJsonObject(item) && item.$patch === 'replace' && Object.keys(item).length === 1,
  );
  const byKey = key !== undefined && !replaceAll && patch.every((item) => isJsonObject(item) && key in item);
  if (!byKey)
    return stripDirectives(
      patch.filter((item) => !(isJsonObject(item) && item.$patch === 'replace')),
    ) as unknown[];

  const out = Array.isArray(original) ? [...original] : [];
  for (const item of patch as JsonObject[]) {
    const i = out.findIndex((e) => isJsonObject(e) && deepEqual(e[key], item[key]));
    const merged =
      item.$patch === 'delete'
        ? DELETE
        : mergeMap(i >= 0 ? (out[i] as JsonObject) : undefined, item, path, schema);
    if (merged === DELETE) {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = merged;
    else out.push(merged);
  }
  return Array.isArray(order) ? reorder(out, order, key, original) : out;
}

/** `$setElementOrder` items carry only the merge key: `[{name: a}, {name: b}]`. */
function mergeKeyOf(order: unknown): string | undefined {
  if (!Array.isArray(order) || order.length === 0 || !isJsonObject(order[0])) return undefined;
  const keys = Object.keys(order[0]);
  return keys.length === 1 ? keys[0] : undefined;
}

/**
 * Upstream's normalizeElementOrder: items named in `order` take its order, the others keep
 * theirs, and the two runs are interleaved by where their items stood in the stored list (an
 * item the stored list lacks goes after the stored-only items before it).
 */
function reorder(
  list: unknown[],
  order: unknown,
  key: string | undefined,
  stored: unknown = list,
): unknown[] {
  if (!Array.isArray(order)) return list;
  const same = (a: unknown, b: unknown) =>
    key && isJsonObject(a) && isJsonObject(b) ? deepEqual(a[key], b[key]) : deepEqual(a, b);
  const indexIn = (xs: unknown, item: unknown) =>
    Array.isArray(xs) ? xs.findIndex((x) => same(x, item)) : -1;
  const named = list
    .filter((item) => indexIn(order, item) >= 0)
    .sort((a, b) => indexIn(order, a) - indexIn(order, b));
  const others = list.filter((item) => indexIn(order, item) < 0);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < others.length || j < named.length) {
    if (j >= named.length) out.push(others[i++]);
    else if (i >= others.length) out.push(named[j++]);
    else {
      const li = indexIn(stored, others[i]);
      const ri = indexIn(stored, named[j]);
      if (li >= 0 && ri >= 0 && ri < li) out.push(named[j++]);
      else out.push(others[i++]);
    }
  }
  return out;
}

/** A patch value placed as is: directives mean nothing there and must not be stored. */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v))
    return v.filter((x) => !(isJsonObject(x) && typeof x.$patch === 'string')).map(stripDirectives);
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$') && x !== null) out[k] = stripDirectives(x);
  return out;
}
