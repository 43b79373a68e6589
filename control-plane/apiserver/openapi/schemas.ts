// The OpenAPI definitions the server publishes, named like upstream's
// (`io.k8s.api.apps.v1.Deployment`): the ones generated from api/types (api/openapi/
// schemas.gen.ts), plus what only the server knows: which definitions are kinds (their
// x-kubernetes-group-version-kind), the List of each kind, and the request-only DeleteOptions and
// Patch. References are v2-style (`#/definitions/<name>`); v3.ts rewrites them.
import { definitions as generated } from '../../../api/openapi/schemas.gen.ts';
import type { OpenApiSchema } from '../../../api/openapi/schema.ts';
import type { ResourceType } from '../../../api/resource-type.ts';

export const objectMetaName = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
export const listMetaName = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
export const statusName = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
export const patchName = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';
export const deleteOptionsName = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';

/** Upstream's definition name of a kind: `io.k8s.api.core.v1.Pod`, `io.k8s.api.networking.v1.Ingress`. */
export function definitionName(group: string, version: string, kind: string): string {
  const pkg = group === '' ? 'core' : group.split('.')[0]!;
  return `io.k8s.api.${pkg}.${version}.${kind}`;
}

export const v2Ref = (name: string) => `#/definitions/${name}`;

const apiVersionDoc =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const kindDoc =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/** Definitions no api/ type describes: request bodies that never get stored. */
const requestOnly: Record<string, OpenApiSchema> = {
  [patchName]: {
    description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    type: 'object',
  },
  [deleteOptionsName]: {
    description: 'DeleteOptions may be provided when deleting an API object.',
    type: 'object',
    properties: {
      apiVersion: { description: apiVersionDoc, type: 'string' },
      dryRun: {
        description: 'When present, indicates that modifications should not be persisted.',
        type: 'array',
        items: { type: 'string' },
      },
      gracePeriodSeconds: {
        description: 'The duration in seconds before the object should be deleted.',
        type: 'integer',
        format: 'int64',
      },
      kind: { description: kindDoc, type: 'string' },
      orphanDependents: { description: 'Deprecated: please use the PropagationPolicy.', type: 'boolean' },
      preconditions: {
        description: 'Must be fulfilled before a deletion is carried out.',
        type: 'object',
        properties: { resourceVersion: { type: 'string' }, uid: { type: 'string' } },
      },
      propagationPolicy: {
        description:
          "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'.",
        type: 'string',
      },
    },
  },
};

function gvk(rt: Pick<ResourceType, 'group' | 'version'>, kind: string) {
  return [{ group: rt.group, kind, version: rt.version }];
}

/** The kind's own schema, or (for a kind api/types does not describe) one that accepts any field. */
function kindSchema(rt: ResourceType, name: string): OpenApiSchema {
  const known = generated[name];
  if (known) return { ...known, 'x-kubernetes-group-version-kind': gvk(rt, rt.kind) };
  return {
    description: `${rt.kind} (${rt.group || 'core'}/${rt.version}).`,
    type: 'object',
    properties: {
      apiVersion: { description: apiVersionDoc, type: 'string' },
      kind: { description: kindDoc, type: 'string' },
      metadata: { description: 'Standard object metadata.', $ref: v2Ref(objectMetaName) },
    },
    'x-kubernetes-preserve-unknown-fields': true,
    'x-kubernetes-group-version-kind': gvk(rt, rt.kind),
  };
}

function listSchema(rt: ResourceType, name: string): OpenApiSchema {
  return {
    description: `${rt.kind}List is a list of ${rt.kind} objects.`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { description: apiVersionDoc, type: 'string' },
      items: { description: `List of ${rt.plural}.`, type: 'array', items: { $ref: v2Ref(name) } },
      kind: { description: kindDoc, type: 'string' },
      metadata: {
        description:
          'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
        $ref: v2Ref(listMetaName),
      },
    },
    'x-kubernetes-group-version-kind': gvk(rt, `${rt.kind}List`),
  };
}

/** Every definition the server publishes for these types, v2-style references. */
export function allDefinitions(types: ResourceType[]): Record<string, OpenApiSchema> {
  const defs: Record<string, OpenApiSchema> = { ...generated, ...requestOnly };
  defs[statusName] = {
    ...generated[statusName],
    'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
  };
  for (const rt of types) {
    const name = definitionName(rt.group, rt.version, rt.kind);
    defs[name] = kindSchema(rt, name);
    defs[`${name}List`] = listSchema(rt, name);
  }
  return defs;
}

/** The named definitions and every definition they reference, transitively. */
export function reachable(
  defs: Record<string, OpenApiSchema>,
  roots: string[],
): Record<string, OpenApiSchema> {
  const out: Record<string, OpenApiSchema> = {};
  const queue = [...roots];
  while (queue.length) {
    const name = queue.pop()!;
    if (out[name] || !defs[name]) continue;
    out[name] = defs[name]!;
    for (const m of JSON.stringify(defs[name]).matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g))
      queue.push(m[1]!);
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}
