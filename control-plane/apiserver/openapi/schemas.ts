// Minimal OpenAPI schemas for the served types, named like upstream's definitions
// (`io.k8s.api.apps.v1.Deployment`). They declare apiVersion, kind and metadata and let every
// other field through (x-kubernetes-preserve-unknown-fields), which is correct if not complete:
// issue #4 replaces them with schemas generated from api/ types.
import type { ResourceType } from '../../../api/resource-type.ts';

export const objectMetaName = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
export const listMetaName = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
export const statusName = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
export const patchName = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';
export const deleteOptionsName = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';

/** Upstream's definition name for a kind: the group's first label is the package, '' is core. */
export function definitionName(group: string, version: string, kind: string): string {
  const pkg = group === '' ? 'core' : group.split('.')[0]!;
  return `io.k8s.api.${pkg}.${version}.${kind}`;
}

const apiVersionDoc =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const kindDoc =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

const stringMap = { type: 'object', additionalProperties: { type: 'string', default: '' } };

/** Shared meta.k8s.io definitions. `ref` turns a definition name into a reference. */
export function metaSchemas(ref: (name: string) => string): Record<string, unknown> {
  return {
    [objectMetaName]: {
      description:
        'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
      type: 'object',
      properties: {
        name: { type: 'string', description: 'Name must be unique within a namespace.' },
        generateName: {
          type: 'string',
          description: 'GenerateName is an optional prefix, used by the server, to generate a unique name.',
        },
        namespace: {
          type: 'string',
          description: 'Namespace defines the space within which each name must be unique.',
        },
        labels: {
          ...stringMap,
          description: 'Map of string keys and values that can be used to organize and categorize objects.',
        },
        annotations: {
          ...stringMap,
          description: 'Annotations is an unstructured key value map stored with a resource.',
        },
        uid: { type: 'string', description: 'UID is the unique in time and space value for this object.' },
        resourceVersion: {
          type: 'string',
          description: 'An opaque value that represents the internal version of this object.',
        },
        generation: {
          type: 'integer',
          format: 'int64',
          description: 'A sequence number representing a specific generation of the desired state.',
        },
        creationTimestamp: {
          type: 'string',
          format: 'date-time',
          description:
            'CreationTimestamp is a timestamp representing the server time when this object was created.',
        },
        deletionTimestamp: {
          type: 'string',
          format: 'date-time',
          description: 'DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.',
        },
        deletionGracePeriodSeconds: { type: 'integer', format: 'int64' },
        finalizers: {
          type: 'array',
          items: { type: 'string', default: '' },
          description: 'Must be empty before the object is deleted from the registry.',
          'x-kubernetes-list-type': 'set',
        },
        ownerReferences: {
          type: 'array',
          items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          description: 'List of objects depended by this object.',
        },
        managedFields: {
          type: 'array',
          items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          description:
            'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.',
        },
      },
    },
    [listMetaName]: {
      description:
        'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.',
      type: 'object',
      properties: {
        resourceVersion: { type: 'string' },
        continue: { type: 'string' },
        remainingItemCount: { type: 'integer', format: 'int64' },
      },
    },
    [statusName]: {
      description: "Status is a return value for calls that don't return other objects.",
      type: 'object',
      properties: {
        apiVersion: { type: 'string', description: apiVersionDoc },
        kind: { type: 'string', description: kindDoc },
        code: { type: 'integer', format: 'int32' },
        message: { type: 'string' },
        reason: { type: 'string' },
        status: { type: 'string' },
        details: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        metadata: { allOf: [{ $ref: ref(listMetaName) }], default: {} },
      },
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
    },
    [patchName]: {
      description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
      type: 'object',
    },
    [deleteOptionsName]: {
      description: 'DeleteOptions may be provided when deleting an API object.',
      type: 'object',
      properties: {
        apiVersion: { type: 'string', description: apiVersionDoc },
        kind: { type: 'string', description: kindDoc },
        dryRun: { type: 'array', items: { type: 'string', default: '' } },
        gracePeriodSeconds: { type: 'integer', format: 'int64' },
        propagationPolicy: { type: 'string' },
        orphanDependents: { type: 'boolean' },
        preconditions: {
          type: 'object',
          properties: { uid: { type: 'string' }, resourceVersion: { type: 'string' } },
        },
      },
    },
  };
}

function gvk(rt: Pick<ResourceType, 'group' | 'version'>, kind: string) {
  return [{ group: rt.group, kind, version: rt.version }];
}

/** The object and list schemas of one type. */
export function typeSchemas(rt: ResourceType, ref: (name: string) => string): Record<string, unknown> {
  const name = definitionName(rt.group, rt.version, rt.kind);
  return {
    [name]: {
      description: `${rt.kind} (${rt.group || 'core'}/${rt.version}). Fields beyond apiVersion, kind and metadata are not described yet.`,
      type: 'object',
      properties: {
        apiVersion: { type: 'string', description: apiVersionDoc },
        kind: { type: 'string', description: kindDoc },
        metadata: {
          allOf: [{ $ref: ref(objectMetaName) }],
          default: {},
          description:
            "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
        },
      },
      'x-kubernetes-preserve-unknown-fields': true,
      'x-kubernetes-group-version-kind': gvk(rt, rt.kind),
    },
    [`${name}List`]: {
      description: `${rt.kind}List is a list of ${rt.kind} objects.`,
      type: 'object',
      required: ['items'],
      properties: {
        apiVersion: { type: 'string', description: apiVersionDoc },
        kind: { type: 'string', description: kindDoc },
        items: { type: 'array', items: { allOf: [{ $ref: ref(name) }], default: {} } },
        metadata: { allOf: [{ $ref: ref(listMetaName) }], default: {} },
      },
      'x-kubernetes-group-version-kind': gvk(rt, `${rt.kind}List`),
    },
  };
}
