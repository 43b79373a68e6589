// Owner references between controllers and what they create (upstream controller_ref_manager.go):
// the controller reference marks the one owner that manages an object; adoption and release
// keep ownership in step with label selectors.
import type { KubeObject, OwnerReference, ResourceClient } from '../../api/client/index.ts';
import { isNotFound } from '../../api/client/index.ts';
import type { LabelMatcher } from '../../api/labels/index.ts';

/** The owner reference with controller=true, if any. */
export function controllerRefOf(obj: KubeObject | undefined): OwnerReference | undefined {
  return obj?.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** A controller reference to `owner` that blocks its foreground deletion until this object is gone. */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata!.name!,
    uid: owner.metadata!.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface ClaimOptions<T extends KubeObject> {
  owner: KubeObject;
  ownerApiVersion: string;
  ownerKind: string;
  selector: LabelMatcher;
  /** Candidates in the owner's namespace. */
  candidates: readonly T[];
  /** Where to patch adopted or released objects. */
  resource: ResourceClient<T>;
  /** Extra check before adopting (e.g. a Job only adopts pods with its controller-uid). */
  canAdopt?: (obj: T) => boolean;
}

/**
 * The objects the owner controls after adopting orphans its selector matches and releasing
 * objects it controls that no longer match (upstream ClaimPods/ClaimReplicaSets). An owner being
 * deleted adopts nothing and releases nothing. Objects that vanished meanwhile are left out.
 */
export async function claimObjects<T extends KubeObject>(opts: ClaimOptions<T>): Promise<T[]> {
  const { owner, selector } = opts;
  const uid = owner.metadata?.uid;
  const deleting = !!owner.metadata?.deletionTimestamp;
  const claimed: T[] = [];
  for (const obj of opts.candidates) {
    const ref = controllerRefOf(obj);
    const matches = selector.matches(obj.metadata?.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches || deleting) {
        claimed.push(obj);
        continue;
      }
      if (obj.metadata?.deletionTimestamp) continue;
      await patchOwners(
        opts.resource,
        obj,
        (obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== uid),
      );
      continue;
    }
    if (!matches || deleting || obj.metadata?.deletionTimestamp) continue;
    if (opts.canAdopt && !opts.canAdopt(obj)) continue;
    const refs = [
      ...(obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== uid),
      newControllerRef(owner, opts.ownerApiVersion, opts.ownerKind),
    ];
    const adopted = await patchOwners(opts.resource, obj, refs);
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

/** Merge-patch the owner references, guarded by the uid so a recreated namesake is not touched. */
async function patchOwners<T extends KubeObject>(
  resource: ResourceClient<T>,
  obj: T,
  ownerReferences: OwnerReference[],
): Promise<T | undefined> {
  try {
    return await resource
      .namespace(obj.metadata!.namespace!)
      .patch(obj.metadata!.name!, 'merge', { metadata: { ownerReferences, uid: obj.metadata!.uid } });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
