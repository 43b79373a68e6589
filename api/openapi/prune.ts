// Unknown fields: the fields of an object its schema does not declare. Like upstream's decoder
// they are dropped from the object (so they are never stored) and named by their path
// (`spec.template.spec.containers[0].foo`) for fieldValidation to refuse, warn about or ignore.
import type { OpenApiSchema } from './schema.ts';

export type Definitions = Readonly<Record<string, OpenApiSchema>>;

const refPrefix = '#/definitions/';

/** Remove from `obj` (in place) every field definition `name` does not declare; returns their paths. */
export function pruneUnknownFields(definitions: Definitions, name: string, obj: unknown): string[] {
  const schema = definitions[name];
  const unknown: string[] = [];
  if (schema) walk(definitions, schema, obj, '', unknown);
  return unknown;
}

function resolve(definitions: Definitions, schema: OpenApiSchema): OpenApiSchema | undefined {
  if (!schema.$ref) return schema;
  return definitions[schema.$ref.slice(refPrefix.length)];
}

function walk(
  definitions: Definitions,
  declared: OpenApiSchema,
  value: unknown,
  path: string,
  unknown: string[],
): void {
  const schema = resolve(definitions, declared);
  if (!schema || value === null || typeof value !== 'object') return;
  if (schema['x-kubernetes-preserve-unknown-fields']) return;
  if (Array.isArray(value)) {
    if (schema.items)
      value.forEach((item, i) => walk(definitions, schema.items!, item, `${path}[${i}]`, unknown));
    return;
  }
  const record = value as Record<string, unknown>;
  if (schema.properties) {
    for (const key of Object.keys(record)) {
      const field = path ? `${path}.${key}` : key;
      const property = schema.properties[key];
      if (property) walk(definitions, property, record[key], field, unknown);
      else {
        unknown.push(field);
        delete record[key];
      }
    }
  } else if (schema.additionalProperties) {
    for (const key of Object.keys(record))
      walk(definitions, schema.additionalProperties, record[key], path ? `${path}.${key}` : key, unknown);
  }
}
