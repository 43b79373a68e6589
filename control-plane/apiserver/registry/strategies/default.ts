// The strategy every resource gets unless it has its own file: status reset on create and kept
// on main-resource updates when the type has a status subresource, unconditional PUT allowed,
// no graceful deletion, background garbage collection.
import type { ResourceType } from '../../../../api/resource-type.ts';
import { finalizersOf } from '../object-meta.ts';
import type { KubeObject } from '../types.ts';
import type { Strategy, SubresourceUpdateStrategy } from './strategy.ts';

/** PUT /status: the stored object with only the client's status (upstream's ResetObjectMetaForStatus). */
export const statusUpdate: SubresourceUpdateStrategy = {
  prepareForUpdate: (obj, old) => ({ ...old, metadata: { ...old.metadata }, status: obj.status }),
};

/** Upstream's ShouldDeleteDuringUpdate: the last finalizer of an object marked for deletion is gone. */
export function finalizedDuringUpdate(obj: KubeObject, old: KubeObject): boolean {
  if (finalizersOf(obj).length > 0 || !old.metadata?.deletionTimestamp) return false;
  const grace = old.metadata.deletionGracePeriodSeconds;
  return grace === undefined || grace === null || grace === 0;
}

export function defaultStrategy(rt: ResourceType, overrides: Partial<Strategy> = {}): Strategy {
  const hasStatus = rt.subresources.includes('status');
  return {
    hasStatus,
    allowCreateOnUpdate: false,
    allowUnconditionalUpdate: true,
    gcPolicy: 'DeleteDependents',
    prepareForCreate: (obj) => {
      if (hasStatus) obj.status = {};
    },
    prepareForUpdate: (obj, old) => {
      if (!hasStatus) return;
      if (old.status === undefined) delete obj.status;
      else obj.status = old.status;
    },
    shouldDeleteDuringUpdate: finalizedDuringUpdate,
    subresourceUpdates: hasStatus ? { status: statusUpdate } : {},
    ...overrides,
  };
}
