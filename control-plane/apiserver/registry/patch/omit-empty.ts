// Upstream stores Go structs whose optional maps and lists are `omitempty`: a patch that removes
// the last label leaves no `labels: {}` behind, and neither does one that empties a list. We do
// the same after every patch, guided by the type's schema (maps are `additionalProperties`).
import type { OpenApiSchema } from '../../../../api/openapi/schema.ts';
import { isJsonObject } from './json-value.ts';
import { fieldSchema, itemSchema, resolve, schemaForKind } from './list-schema.ts';

export function omitEmptyCollections(obj: unknown): void {
  if (!isJsonObject(obj)) return;
  walk(obj, schemaForKind(obj.apiVersion, obj.kind));
}

function walk(value: unknown, schema: OpenApiSchema | undefined): void {
  const s = resolve(schema);
  if (!s) return;
  if (Array.isArray(value)) {
    for (const item of value) walk(item, itemSchema(s));
    return;
  }
  if (!isJsonObject(value) || !s.properties) return;
  for (const [k, v] of Object.entries(value)) {
    const field = fieldSchema(s, k);
    if (!field) continue;
    const emptyMap = field.additionalProperties && isJsonObject(v) && Object.keys(v).length === 0;
    const emptyList = field.type === 'array' && Array.isArray(v) && v.length === 0;
    if (emptyMap || emptyList) delete value[k];
    else walk(v, field);
  }
}
