// k8s.io/apimachinery/pkg/apis/meta/v1: the metadata every object carries, lists, Status and
// LabelSelector. Field names and meanings follow upstream exactly.

/** RFC 3339 timestamp with second precision, e.g. `2024-01-02T03:04:05Z`. */
export type Time = string;
/** RFC 3339 timestamp with microsecond precision, e.g. `2024-01-02T03:04:05.000001Z`. */
export type MicroTime = string;
/** A Kubernetes duration string, e.g. `1h2m3s`. */
export type Duration = string;

export interface TypeMeta {
  /** Versioned schema of this representation, e.g. `v1` or `apps/v1`. */
  apiVersion?: string;
  /** REST resource this object represents, in CamelCase, e.g. `Pod`. */
  kind?: string;
}

export interface OwnerReference {
  /** API version of the referent. */
  apiVersion: string;
  /** Kind of the referent. */
  kind: string;
  /** Name of the referent. */
  name: string;
  /** UID of the referent. */
  uid: string;
  /** If true, this reference points to the managing controller. */
  controller?: boolean;
  /** If true, the owner cannot be deleted from storage until this reference is removed (foreground deletion). */
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  /** Name of the workflow managing these fields. */
  manager?: string;
  /** Kind of operation that led to this entry: `Apply` or `Update`. */
  operation?: 'Apply' | 'Update';
  /** API version of the fields in fieldsV1. */
  apiVersion?: string;
  /** When the operation was performed. */
  time?: Time;
  /** Format of the field set; only `FieldsV1` exists. */
  fieldsType?: string;
  /** The set of fields managed, in the FieldsV1 trie format. */
  fieldsV1?: Record<string, unknown>;
  /** Subresource the entry was updated through, empty for the main resource. */
  subresource?: string;
}

export interface ObjectMeta {
  /** Unique name within a namespace; required on create unless generateName is set. */
  name?: string;
  /** Prefix the server uses to generate a unique name when name is empty. */
  generateName?: string;
  /** Namespace of a namespaced object; empty for cluster-scoped objects. */
  namespace?: string;
  /** Deprecated: always empty since 1.20. */
  selfLink?: string;
  /** Unique identifier in time and space, set by the server. */
  uid?: string;
  /** Opaque version for optimistic concurrency and watches, set by the server. */
  resourceVersion?: string;
  /**
   * Sequence number of the desired state's generation, set by the server.
   * @format int64
   */
  generation?: number;
  /** When the object was created, set by the server. */
  creationTimestamp?: Time | null;
  /** When the object will be deleted (graceful deletion in progress), set by the server. */
  deletionTimestamp?: Time;
  /**
   * Seconds allowed for graceful termination before removal.
   * @format int64
   */
  deletionGracePeriodSeconds?: number;
  /** Key/value pairs for organising and selecting objects. */
  labels?: Record<string, string>;
  /** Unstructured key/value data for tools and humans. */
  annotations?: Record<string, string>;
  /**
   * Objects this one depends on; when all are gone it is garbage collected.
   * @patchMergeKey uid
   * @patchStrategy merge
   * @listType map
   * @listMapKey uid
   */
  ownerReferences?: OwnerReference[];
  /**
   * Conditions that must be cleared before the object is deleted from storage.
   * @patchStrategy merge
   * @listType set
   */
  finalizers?: string[];
  /** Which managers own which fields (server-side apply). */
  managedFields?: ManagedFieldsEntry[];
}

export interface ListMeta {
  /** Deprecated: always empty. */
  selfLink?: string;
  /** Version of the list, usable to start a watch. */
  resourceVersion?: string;
  /** Token to request the next page of a chunked list. */
  continue?: string;
  /**
   * Approximate number of items left after this page.
   * @format int64
   */
  remainingItemCount?: number;
}

/** Any list of objects: `PodList`, `List`. */
export interface List<T> extends TypeMeta {
  /** Standard list metadata. */
  metadata?: ListMeta;
  /** The objects. */
  items: T[];
}

export interface StatusCause {
  /** Machine-readable cause, e.g. `FieldValueInvalid`. */
  reason?: string;
  /** Human-readable description of the cause. */
  message?: string;
  /** Path of the field that caused the error, e.g. `spec.containers[0].image`. */
  field?: string;
}

export interface StatusDetails {
  /** Name of the resource the status is about. */
  name?: string;
  /** API group of the resource. */
  group?: string;
  /** Kind (or resource) of the object. */
  kind?: string;
  /** UID of the resource, when there is one. */
  uid?: string;
  /** Detailed causes, e.g. one per invalid field. */
  causes?: StatusCause[];
  /** Seconds the client should wait before retrying. */
  retryAfterSeconds?: number;
}

/** The result of an operation that does not return an object, usually an error. */
export interface Status extends TypeMeta {
  /** Standard list metadata. */
  metadata?: ListMeta;
  /** `Success` or `Failure`. */
  status?: 'Success' | 'Failure';
  /** Human-readable description of the status. */
  message?: string;
  /** Machine-readable reason, e.g. `NotFound`, `Invalid`. */
  reason?: string;
  /** Extended data about the reason. */
  details?: StatusDetails;
  /** HTTP status code. */
  code?: number;
}

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  /** The label key the selector applies to. */
  key: string;
  /** The relation of the key to the values: In, NotIn, Exists or DoesNotExist. */
  operator: LabelSelectorOperator;
  /** Values for In and NotIn; must be empty for Exists and DoesNotExist. */
  values?: string[];
}

/** A label query; the requirements are ANDed. An empty selector matches everything. */
export interface LabelSelector {
  /** Equality requirements, each equivalent to an `In` with one value. */
  matchLabels?: Record<string, string>;
  /** Set-based requirements. */
  matchExpressions?: LabelSelectorRequirement[];
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** The standard condition shape (metav1.Condition) used by newer APIs. */
export interface Condition {
  /** Type of condition in CamelCase, e.g. `Available`. */
  type: string;
  /** True, False or Unknown. */
  status: ConditionStatus;
  /**
   * The generation the condition was set for.
   * @format int64
   */
  observedGeneration?: number;
  /** When the condition last changed status. */
  lastTransitionTime: Time;
  /** Programmatic identifier for the last transition, in CamelCase. */
  reason: string;
  /** Human-readable details of the transition. */
  message: string;
}

/** Any object with metadata. */
export interface KubernetesObject extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
}
