// core/v1 LimitRange: per-object resource bounds and defaults in a namespace.
import type { ObjectMeta, TypeMeta } from './meta.ts';
import type { ResourceList } from './resource-requirements.ts';

export type LimitType = 'Pod' | 'Container' | 'PersistentVolumeClaim';

export interface LimitRangeItem {
  /** Pod, Container or PersistentVolumeClaim. */
  type: LimitType;
  /** Maximum usage per object. */
  max?: ResourceList;
  /** Minimum usage per object. */
  min?: ResourceList;
  /** Default limits when none are given. */
  default?: ResourceList;
  /** Default requests when none are given. */
  defaultRequest?: ResourceList;
  /** Maximum limit/request ratio. */
  maxLimitRequestRatio?: ResourceList;
}

export interface LimitRangeSpec {
  /** The limits. */
  limits: LimitRangeItem[];
}

/** LimitRange sets resource usage limits for each kind of resource in a Namespace. */
export interface LimitRange extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** The limits enforced. */
  spec?: LimitRangeSpec;
}
