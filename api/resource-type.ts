// What the API server needs to know to serve one resource: its names (for discovery and
// kubectl's short names), its scope and verbs, its subresources, and the type's own rules
// (defaulting, validation, selectable fields). The registry of served types is resources.ts.

/** Upstream's field.ErrorType as it appears in Status causes (reason). */
export type CauseType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound'
  | 'FieldValueTypeInvalid';

/** One validation failure, like upstream's field.Error: `spec.replicas: Invalid value: -1: must be >= 0`. */
export interface FieldError {
  type: CauseType;
  /** Path in upstream notation: `spec.containers[0].image`, `metadata.labels`. */
  field: string;
  /** The message after the type, e.g. `must be greater than or equal to 0`. */
  detail?: string;
  badValue?: unknown;
}

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export const allVerbs: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface ResourceType {
  /** API group; '' for the core (legacy) group. */
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural used in URLs: `pods`, `deployments`. */
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  verbs: Verb[];
  /** `all` for the kinds `kubectl get all` shows. */
  categories: string[];
  /** Subresource names served under `/{plural}/{name}/{sub}`: status, scale, binding, log, ... */
  subresources: string[];
  /** Fill defaults in place (create and update), like upstream's SetDefaults_*. */
  defaults?: (obj: any) => void;
  /** Type-specific validation; `old` is set on update. Metadata validation is common and done by the server. */
  validate?: (obj: any, old?: any) => FieldError[];
  /** Field selector keys this type supports beyond metadata.name / metadata.namespace. */
  selectableFields?: Record<string, (obj: any) => string | undefined>;
}

export function apiVersionOf(rt: Pick<ResourceType, 'group' | 'version'>): string {
  return rt.group === '' ? rt.version : `${rt.group}/${rt.version}`;
}
