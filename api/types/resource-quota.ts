// core/v1 ResourceQuota: aggregate limits per namespace.
import type { ObjectMeta, TypeMeta } from './meta.ts';
import type { ResourceList } from './resource-requirements.ts';

export interface ScopedResourceSelectorRequirement {
  /** Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass, CrossNamespacePodAffinity. */
  scopeName: string;
  /** In, NotIn, Exists or DoesNotExist. */
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  /** Values for In and NotIn. */
  values?: string[];
}

export interface ResourceQuotaSpec {
  /** Hard limits by resource name, e.g. pods: 10, requests.cpu: 4. */
  hard?: ResourceList;
  /** Scopes the quota applies to. */
  scopes?: string[];
  /** Scope selector, ANDed with scopes. */
  scopeSelector?: { matchExpressions?: ScopedResourceSelectorRequirement[] };
}

export interface ResourceQuotaStatus {
  /** Enforced hard limits. */
  hard?: ResourceList;
  /** Current usage. */
  used?: ResourceList;
}

/** ResourceQuota sets aggregate quota restrictions enforced per namespace. */
export interface ResourceQuota extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** The desired quota. */
  spec?: ResourceQuotaSpec;
  /** Enforced limits and usage. */
  status?: ResourceQuotaStatus;
}
