// core/v1 Namespace: a scope for names.
import type { ObjectMeta, Time, TypeMeta } from './meta.ts';

export interface NamespaceCondition {
  /** Type, e.g. NamespaceContentRemaining, NamespaceDeletionDiscoveryFailure. */
  type: string;
  /** True, False or Unknown. */
  status: 'True' | 'False' | 'Unknown';
  /** Last time the condition changed status. */
  lastTransitionTime?: Time;
  /** CamelCase reason. */
  reason?: string;
  /** Human-readable details. */
  message?: string;
}

export interface NamespaceSpec {
  /** Finalizers that must be removed before the namespace is deleted; defaults to ["kubernetes"]. */
  finalizers?: string[];
}

export interface NamespaceStatus {
  /** Active or Terminating. */
  phase?: 'Active' | 'Terminating';
  /**
   * Current observed conditions.
   * @patchMergeKey type
   * @patchStrategy merge
   * @listType map
   * @listMapKey type
   */
  conditions?: NamespaceCondition[];
}

/** Namespace provides a scope for Names. Use of multiple namespaces is optional. */
export interface Namespace extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Behaviour of the namespace. */
  spec?: NamespaceSpec;
  /** Most recently observed status. */
  status?: NamespaceStatus;
}
