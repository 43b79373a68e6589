// Server-side apply (application/apply-patch+yaml): the applied configuration is merged into
// the live object (maps by key, associative lists by their keys, sets as unions, atomic lists
// and scalars replaced); the manager's `Apply` entry becomes exactly the fields it applied;
// fields it applied before and applies no more are removed when nobody else owns them; and a
// field another manager owns that this apply would change is a 409 conflict unless `force`,
// which takes it over. Like upstream's structured-merge-diff, minus versions conversion.
import type { OpenApiSchema } from '../../../../api/openapi/schema.ts';
import { badRequest, StatusError } from '../../status.ts';
import { deepEqual } from '../deep-equal.ts';
import type { KubeObject } from '../types.ts';
import { describePath, fieldSetOf, itemKey, listKind, removeAt, splitPath, valueAt } from './field-set.ts';
import { isJsonObject, type JsonObject } from './json-value.ts';
import { fieldSchema, itemSchema, schemaForKind } from './list-schema.ts';
import {
  managedTime,
  ownersOf,
  prefixesOf,
  sameOwner,
  setEntries,
  toEntries,
  type Owner,
} from './managed-fields.ts';

export interface ApplyOptions {
  manager: string;
  force?: boolean;
  now: Date;
  /** 'status' when applying to the status subresource. */
  subresource?: string;
}

/** The object after applying `config` to `live` (undefined when it does not exist yet). */
export function serverSideApply(
  live: KubeObject | undefined,
  config: unknown,
  opts: ApplyOptions,
): KubeObject {
  if (!isJsonObject(config))
    throw badRequest('error decoding YAML: the apply configuration must be an object');
  if (
    typeof config.apiVersion !== 'string' ||
    typeof config.kind !== 'string' ||
    !config.apiVersion ||
    !config.kind
  )
    throw badRequest('apiVersion and kind must be set in the apply configuration');
  const applied = structuredClone(config) as JsonObject;
  const apiVersion = config.apiVersion;
  if (isJsonObject(applied.metadata)) delete applied.metadata.managedFields;
  const schema = schemaForKind(applied.apiVersion, applied.kind);
  const scope = opts.subresource === 'status' ? 'status' : 'main';
  const appliedSet = fieldSetOf(applied, schema, scope);

  const base: JsonObject = live
    ? structuredClone(live)
    : { apiVersion: applied.apiVersion, kind: applied.kind, metadata: {} };
  const scoped = { ...applied };
  if (scope === 'main') delete scoped.status;
  const merged = mergeValue(base, scoped, schema) as KubeObject;
  merged.apiVersion = apiVersion;

  const owners = ownersOf(live);
  let mine = owners.find((o) => sameOwner(o.entry, opts.manager, 'Apply', opts.subresource));
  const others = owners.filter((o) => o !== mine);

  // Computed once: the filters below would otherwise redo it for every path.
  const appliedParents = prefixesOf(appliedSet);
  const leaves = [...appliedSet].filter((p) => !appliedParents.has(p));
  const conflicts: { owner: Owner; path: string }[] = [];
  for (const owner of others) {
    for (const p of leaves) {
      if (!owner.set.has(p)) continue;
      const els = splitPath(p);
      if (!deepEqual(valueAt(live, els), valueAt(merged, els))) conflicts.push({ owner, path: p });
    }
  }
  if (conflicts.length > 0 && !opts.force) throw applyConflict(conflicts);
  for (const { owner, path } of conflicts) {
    owner.set.delete(path);
    owner.changed = true;
  }

  // Fields this manager stops applying go, unless someone else still owns them (or below them).
  if (mine) {
    const dropped = [...mine.set].filter((p) => !appliedSet.has(p));
    const ownedElsewhere = (p: string) =>
      others.some((o) => o.set.has(p) || [...o.set].some((q) => q.startsWith(`${p}\u0000`)));
    dropped
      .filter((p) => !ownedElsewhere(p) && !appliedParents.has(p))
      // Shallowest first: a list item goes whole, before its fields could lose its key.
      .sort((a, b) => splitPath(a).length - splitPath(b).length)
      .forEach((p) => removeAt(merged, splitPath(p)));
  }

  if (!mine) {
    mine = {
      entry: {
        manager: opts.manager,
        operation: 'Apply',
        apiVersion,
        fieldsType: 'FieldsV1',
        fieldsV1: {},
        ...(opts.subresource ? { subresource: opts.subresource } : {}),
      },
      set: new Set(),
    };
    owners.push(mine);
  }
  if (!sameSet(mine.set, appliedSet) || mine.entry.apiVersion !== apiVersion) {
    mine.set = appliedSet;
    mine.entry = { ...mine.entry, apiVersion };
    mine.changed = true;
  }
  setEntries(merged, toEntries(owners, managedTime(opts.now)));
  return merged;
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/** Merges an applied value into a live one, following the schema's list types. */
function mergeValue(live: unknown, applied: unknown, schema: OpenApiSchema | undefined): unknown {
  if (isJsonObject(applied)) {
    const atomic =
      (schema?.['x-kubernetes-preserve-unknown-fields'] && !schema.properties) ||
      'matchLabels' in applied ||
      'matchExpressions' in applied;
    if (!isJsonObject(live) || atomic) return stripNulls(applied);
    const out: JsonObject = { ...live };
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) delete out[k];
      else out[k] = mergeValue(live[k], v, fieldSchema(schema, k));
    }
    return out;
  }
  if (Array.isArray(applied)) {
    const kind = listKind(schema, applied);
    if (kind.keys && Array.isArray(live)) {
      const keys = kind.keys;
      const out = [...live];
      for (const item of applied) {
        const i = out.findIndex((x) => itemKey(x, keys) === itemKey(item, keys));
        if (i >= 0) out[i] = mergeValue(out[i], item, itemSchema(schema));
        else out.push(stripNulls(item));
      }
      return out;
    }
    if (kind.set && Array.isArray(live))
      return [...live, ...applied.filter((x) => !live.some((y) => deepEqual(x, y)))];
    return stripNulls(applied);
  }
  return applied;
}

function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = stripNulls(x);
  return out;
}

/** Upstream's NewConflictError: 409 Conflict, one cause per field, managers sorted. */
function applyConflict(conflicts: { owner: Owner; path: string }[]): StatusError {
  const who = (o: Owner) => {
    const e = o.entry;
    let s = JSON.stringify(e.manager);
    if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
    if (e.operation === 'Update') s += ` using ${e.apiVersion}`;
    return s;
  };
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${who(conflicts[0]!.owner)}: ${describePath(conflicts[0]!.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const m = who(c.owner);
      byManager.set(m, [...(byManager.get(m) ?? []), describePath(c.path)]);
    }
    const lines: string[] = [];
    for (const m of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${m}:`);
      for (const p of byManager.get(m)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Conflict',
    details: {
      causes: conflicts.map((c) => ({
        type: 'FieldManagerConflict',
        message: `conflict with ${who(c.owner)}`,
        field: describePath(c.path),
      })),
    },
    code: 409,
  });
}
