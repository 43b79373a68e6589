// apps/v1 ControllerRevision: an immutable snapshot of state, the rollout history of
// StatefulSets and DaemonSets.
import type { ObjectMeta, TypeMeta } from './meta.ts';

/** ControllerRevision implements an immutable snapshot of state data. Controllers use it to update and roll back their pods. */
export interface ControllerRevision extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** The serialized state (a patch of the owner's template). */
  data?: Record<string, unknown>;
  /**
   * Revision number of the state.
   * @format int64
   */
  revision: number;
}
