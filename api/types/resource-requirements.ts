// core/v1 compute resources: quantities keyed by resource name (`cpu`, `memory`, ...).

/** A resource quantity on the wire, e.g. `100m`, `128Mi`, `1.5` (api/quantity.ts parses it). */
export type QuantityString = string;

/** Quantities keyed by resource name: `cpu`, `memory`, `ephemeral-storage`, `hugepages-2Mi`, `example.com/gpu`. */
export type ResourceList = Record<string, QuantityString>;

export interface ResourceClaim {
  /** Name of an entry in pod.spec.resourceClaims. */
  name: string;
  /** Name of the request inside the claim, when only part of it is used. */
  request?: string;
}

export interface ResourceRequirements {
  /** Maximum amount of compute resources allowed. */
  limits?: ResourceList;
  /** Minimum amount of compute resources required; defaults to limits when omitted. */
  requests?: ResourceList;
  /** Dynamically allocated resources (DRA) used by this container. */
  claims?: ResourceClaim[];
}

/** Storage requests of a PersistentVolumeClaim. */
export interface VolumeResourceRequirements {
  /** Maximum amount of storage allowed. */
  limits?: ResourceList;
  /** Minimum amount of storage required. */
  requests?: ResourceList;
}
