// The YAML editor's schema hints, without the editor: field names to offer at the cursor (with
// type and description), enum values for a field's value, a field's description under the
// mouse, and fields the schema does not know. The schema comes from the cluster (OpenAPI v3).
import { isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { OpenApiCache, Schema, SchemaSet } from './openapi-schema.ts';
import { completionContext, keyAt, type DocumentInfo, type FieldPath } from './yaml-path.ts';

export interface FieldOption {
  label: string;
  /** `integer`, `[]Container`, `DeploymentSpec`… */
  type: string;
  description: string;
  required: boolean;
  /** Text to insert: `key: ` for a scalar, `key:` and an indented next line for maps and lists. */
  apply: string;
}

export interface Completions {
  from: number;
  options: FieldOption[];
}

async function schemaOf(
  cache: OpenApiCache,
  doc: DocumentInfo,
): Promise<{ set: SchemaSet; root: Schema } | undefined> {
  if (!doc.apiVersion || !doc.kind) return undefined;
  const set = await cache.groupVersion(doc.apiVersion);
  const root = set?.kind(doc.apiVersion, doc.kind);
  return set && root ? { set, root } : undefined;
}

function insertion(set: SchemaSet, key: string, field: Schema, column: number): string {
  const s = set.resolve(field);
  const indent = ' '.repeat(column + 2);
  if (s?.type === 'array') return `${key}:\n${indent}- `;
  if (s?.properties || (s?.type === 'object' && typeof s.additionalProperties === 'object'))
    return `${key}:\n${indent}`;
  return `${key}: `;
}

/** Fields of the map at the cursor (those already written left out), or enum values of a value. */
export async function completeAt(
  cache: OpenApiCache,
  text: string,
  offset: number,
): Promise<Completions | undefined> {
  const ctx = completionContext(text, offset);
  if (ctx.at === 'value' && ctx.path.length === 1) {
    const head = await typeValues(cache, ctx.path[0]!, ctx.doc.apiVersion);
    if (head) return { from: ctx.from, options: head };
  }
  const found = await schemaOf(cache, ctx.doc);
  if (!found) return undefined;
  const { set, root } = found;
  const target = set.at(root, ctx.path);
  if (!target) return undefined;
  if (ctx.at === 'value') {
    if (!target.enum?.length) return undefined;
    return {
      from: ctx.from,
      options: target.enum.map((v) => ({
        label: String(v),
        type: set.typeName(target),
        description: target.description ?? '',
        required: false,
        apply: String(v),
      })),
    };
  }
  if (!target.properties) return undefined;
  const present = siblingKeys(text, offset, ctx.column);
  const required = new Set(target.required ?? []);
  const options = Object.entries(target.properties)
    // The editor narrows by what is typed (fuzzy); here only what is already written goes.
    .filter(([name]) => !present.has(name))
    .map(([name, field]) => ({
      label: name,
      type: set.typeName(field),
      description: set.resolve(field)?.description ?? '',
      required: required.has(name),
      apply: insertion(set, name, field, ctx.column),
    }));
  return { from: ctx.from, options };
}

/** Values for a document's `apiVersion` (what the server serves) and `kind` (in that version). */
async function typeValues(
  cache: OpenApiCache,
  field: string,
  apiVersion: string | undefined,
): Promise<FieldOption[] | undefined> {
  const option = (label: string, description: string): FieldOption => ({
    label,
    type: 'string',
    description,
    required: true,
    apply: label,
  });
  if (field === 'apiVersion')
    return (await cache.apiVersions()).map((v) => option(v, `served by this cluster`));
  if (field === 'kind' && apiVersion) {
    const set = await cache.groupVersion(apiVersion);
    return set
      ?.kinds(apiVersion)
      .map((k) => option(k, set.resolve(set.kind(apiVersion, k))?.description ?? ''));
  }
  return undefined;
}

/** Keys already written in the same map as the cursor's line (same column, same block). */
function siblingKeys(text: string, offset: number, column: number): Set<string> {
  const lines = text.split('\n');
  const here = text.slice(0, offset).split('\n').length - 1;
  const keys = new Set<string>();
  const keyAtColumn = (line: string) => {
    const lead = /^[ -]*/.exec(line)![0];
    if (lead.length !== column) return lead.length < column ? null : undefined;
    return /^([^\s:#]+):(\s|$)/.exec(line.slice(column))?.[1];
  };
  for (const step of [-1, 1]) {
    for (let i = here + step; i >= 0 && i < lines.length; i += step) {
      const line = lines[i]!;
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      if (/^(---|\.\.\.)(\s|$)/.test(line)) break;
      const key = keyAtColumn(line);
      if (key === null) break; // left the block
      // A `- ` before the key starts a list item: above, that item is ours; below, the next one.
      const startsItem = key !== undefined && /^[ -]*- $/.test(line.slice(0, column));
      if (startsItem && step === 1) break;
      if (key) keys.add(key);
      if (startsItem) break;
    }
  }
  return keys;
}

export interface Hover {
  from: number;
  to: number;
  path: FieldPath;
  type: string;
  description: string;
}

/** The description of the field under `offset`, from the schema of its document's kind. */
export async function hoverAt(cache: OpenApiCache, text: string, offset: number): Promise<Hover | undefined> {
  const key = keyAt(text, offset);
  if (!key) return undefined;
  const found = await schemaOf(cache, key.doc);
  if (!found) return undefined;
  const parent = found.set.at(found.root, key.path.slice(0, -1));
  const field = parent?.properties?.[key.path[key.path.length - 1]!];
  if (!field) return undefined;
  return {
    from: key.from,
    to: key.to,
    path: key.path,
    type: found.set.typeName(field),
    description: found.set.resolve(field)?.description ?? '',
  };
}

export interface UnknownField {
  from: number;
  to: number;
  message: string;
}

/** Keys the schema of their document's kind does not have (where the schema lists its fields). */
export async function unknownFields(cache: OpenApiCache, text: string): Promise<UnknownField[]> {
  const out: UnknownField[] = [];
  const docs = parseAllDocuments(text);
  for (const d of Array.isArray(docs) ? docs : [docs]) {
    const c = d.contents;
    if (!isMap(c)) continue;
    const apiVersion = c.get('apiVersion');
    const kind = c.get('kind');
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') continue;
    const found = await schemaOf(cache, { apiVersion, kind, from: 0, to: 0 }).catch(() => undefined);
    if (!found) continue;
    const walk = (node: unknown, schema: Schema | undefined, path: string) => {
      const s = found.set.resolve(schema);
      if (!s || s['x-kubernetes-preserve-unknown-fields']) return;
      if (isSeq(node)) {
        node.items.forEach((item, i) => walk(item, s.items, `${path}[${i}]`));
      } else if (isMap(node) && s.properties) {
        for (const pair of node.items) {
          if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range) continue;
          const name = String(pair.key.value);
          const field = s.properties[name];
          if (field) walk(pair.value, field, path ? `${path}.${name}` : name);
          else
            out.push({
              from: pair.key.range[0],
              to: pair.key.range[1],
              message: `unknown field "${path ? `${path}.${name}` : name}" in ${kind}`,
            });
        }
      } else if (isMap(node) && typeof s.additionalProperties === 'object') {
        for (const pair of node.items) if (isPair(pair)) walk(pair.value, s.additionalProperties, path);
      }
    };
    walk(c, found.root, '');
  }
  return out;
}
