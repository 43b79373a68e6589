// How each list of a served type merges, read from the OpenAPI definitions generated from the
// JSDoc tags on api/types (`@patchMergeKey`, `@patchStrategy`, `@listType`, `@listMapKey`): the
// one source of truth that strategic merge, server-side apply and /openapi all share.
import { definitions } from '../../../../api/openapi/schemas.gen.ts';
import type { OpenApiSchema } from '../../../../api/openapi/schema.ts';

/** How a list merges: by key(s) (associative), as a set of scalars, or replaced whole (atomic). */
export interface ListStrategy {
  /** Strategic merge key (`x-kubernetes-patch-merge-key`). */
  mergeKey?: string;
  /** Server-side apply keys (`x-kubernetes-list-map-keys`), else the merge key. */
  mapKeys?: string[];
  set?: boolean;
}

/** The root definition of apiVersion/kind, e.g. apps/v1 Deployment -> io.k8s.api.apps.v1.Deployment. */
export function schemaForKind(apiVersion: unknown, kind: unknown): OpenApiSchema | undefined {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? 'core' : apiVersion.slice(0, slash).split('.')[0];
  const version = apiVersion.slice(slash + 1);
  return definitions[`io.k8s.api.${group}.${version}.${kind}`];
}

/** The schema of `field` inside an object schema, references resolved. */
export function fieldSchema(schema: OpenApiSchema | undefined, field: string): OpenApiSchema | undefined {
  const s = resolve(schema);
  if (!s) return undefined;
  return resolve(s.properties?.[field] ?? s.additionalProperties);
}

/** The schema of the items of a list schema. */
export function itemSchema(schema: OpenApiSchema | undefined): OpenApiSchema | undefined {
  return resolve(resolve(schema)?.items);
}

export function resolve(schema: OpenApiSchema | undefined): OpenApiSchema | undefined {
  let s = schema;
  for (let i = 0; s?.$ref && i < 16; i++) s = definitions[s.$ref.slice('#/definitions/'.length)];
  return s;
}

/** The list strategy a schema declares; undefined when it declares none. */
export function declaredListStrategy(schema: OpenApiSchema | undefined): ListStrategy | undefined {
  const s = resolve(schema);
  if (!s || s.type !== 'array') return undefined;
  const mergeKey = s['x-kubernetes-patch-merge-key'];
  const listType = s['x-kubernetes-list-type'];
  const mapKeys = s['x-kubernetes-list-map-keys'] ?? (mergeKey ? [mergeKey] : undefined);
  if (mergeKey || listType === 'map')
    return { ...(mergeKey ? { mergeKey } : {}), ...(mapKeys ? { mapKeys } : {}) };
  if (listType === 'set' || s['x-kubernetes-patch-strategy']?.includes('merge')) return { set: true };
  if (listType === 'atomic') return {};
  return undefined;
}
