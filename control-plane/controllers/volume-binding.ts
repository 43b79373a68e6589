// Facts shared by the PersistentVolume binder and the local-path provisioner (upstream
// pkg/controller/volume/persistentvolume/util): annotations, which volume fits which claim, and
// the claim's storage class.
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../api/types/index.ts';
import { labelSelectorAsMatcher } from '../../api/labels/index.ts';
import { tryParseQuantity } from '../../api/quantity.ts';
import type { Kube } from './controller.ts';

export type PvObj = Kube<PersistentVolume>;
export type PvcObj = Kube<PersistentVolumeClaim>;
export type ClassObj = Kube<StorageClass>;

export const annBindCompleted = 'pv.kubernetes.io/bind-completed';
export const annBoundByController = 'pv.kubernetes.io/bound-by-controller';
export const annStorageProvisioner = 'volume.kubernetes.io/storage-provisioner';
export const annBetaStorageProvisioner = 'volume.beta.kubernetes.io/storage-provisioner';
export const annSelectedNode = 'volume.kubernetes.io/selected-node';
export const annProvisionedBy = 'pv.kubernetes.io/provisioned-by';
export const annDefaultClass = 'storageclass.kubernetes.io/is-default-class';

export const claimKey = (pvc: PvcObj) => `${pvc.metadata!.namespace}/${pvc.metadata!.name}`;

/** The claim's class name ('' means "no class", only volumes without one). */
export const claimClass = (pvc: PvcObj) => pvc.spec?.storageClassName ?? '';

export const isWaitForFirstConsumer = (cls: ClassObj | undefined) =>
  cls?.volumeBindingMode === 'WaitForFirstConsumer';

/** Whether a volume's required node affinity lets it be used on `node`. */
export function volumeAllowsNode(pv: PvObj, node: { name: string; labels: Record<string, string> }): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return true;
  return terms.some((t) =>
    (t.matchExpressions ?? []).every((e) => {
      const value =
        e.key === 'kubernetes.io/hostname' ? (node.labels[e.key] ?? node.name) : node.labels[e.key];
      switch (e.operator) {
        case 'In':
          return value !== undefined && (e.values ?? []).includes(value);
        case 'NotIn':
          return value === undefined || !(e.values ?? []).includes(value);
        case 'Exists':
          return value !== undefined;
        case 'DoesNotExist':
          return value === undefined;
        default:
          return false;
      }
    }),
  );
}

/**
 * Whether an unclaimed volume can serve the claim (upstream findMatchingVolume's checks):
 * same class, the access modes it asks for, at least the storage it requests, its selector,
 * the same volume mode, and (when a node was picked) reachable from that node.
 */
export function volumeFitsClaim(
  pv: PvObj,
  pvc: PvcObj,
  node?: { name: string; labels: Record<string, string> },
): boolean {
  if ((pv.spec?.storageClassName ?? '') !== claimClass(pvc)) return false;
  const modes: string[] = pv.spec?.accessModes ?? [];
  if (!(pvc.spec?.accessModes ?? []).every((m) => modes.includes(m))) return false;
  const want = tryParseQuantity(pvc.spec?.resources?.requests?.storage);
  const have = tryParseQuantity(pv.spec?.capacity?.storage);
  if (want && (!have || have.cmp(want) < 0)) return false;
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (pvc.spec?.volumeMode ?? 'Filesystem')) return false;
  if (pvc.spec?.selector) {
    try {
      if (!labelSelectorAsMatcher(pvc.spec.selector).matches(pv.metadata?.labels)) return false;
    } catch {
      return false;
    }
  }
  if (node && !volumeAllowsNode(pv, node)) return false;
  return true;
}

/** Smallest first, so big volumes stay for big claims. */
export function bySize(a: PvObj, b: PvObj): number {
  const qa = tryParseQuantity(a.spec?.capacity?.storage);
  const qb = tryParseQuantity(b.spec?.capacity?.storage);
  if (!qa || !qb) return 0;
  return qa.cmp(qb);
}
