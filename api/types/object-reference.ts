// core/v1 references to other objects.

export interface ObjectReference {
  /** Kind of the referent. */
  kind?: string;
  /** Namespace of the referent. */
  namespace?: string;
  /** Name of the referent. */
  name?: string;
  /** UID of the referent. */
  uid?: string;
  /** API version of the referent. */
  apiVersion?: string;
  /** Specific resourceVersion the reference is made to. */
  resourceVersion?: string;
  /** A piece of the object, e.g. `spec.containers{name}`, when referring to part of it. */
  fieldPath?: string;
}

export interface LocalObjectReference {
  /** Name of the referent in the same namespace. */
  name?: string;
}

export interface TypedLocalObjectReference {
  /** API group of the referent; empty for the core group. */
  apiGroup?: string;
  /** Kind of the referent. */
  kind: string;
  /** Name of the referent. */
  name: string;
}

export interface TypedObjectReference extends TypedLocalObjectReference {
  /** Namespace of the referent, when different from the referrer's. */
  namespace?: string;
}

export interface SecretReference {
  /** Name of the secret. */
  name?: string;
  /** Namespace of the secret. */
  namespace?: string;
}
