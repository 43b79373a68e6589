// PersistentVolume, PersistentVolumeClaim and StorageClass defaults.
import { canonicalizeResourceList, child, isObject, setDefault, setDefaultString } from './helpers.ts';

export function defaultPersistentVolume(obj: any): void {
  if (!isObject(obj)) return;
  const spec = child(obj, 'spec');
  if (spec) {
    setDefaultString(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    setDefault(spec, 'volumeMode', 'Filesystem');
    canonicalizeResourceList(spec.capacity);
    if (isObject(spec.hostPath)) setDefault(spec.hostPath, 'type', '');
  }
  const status = child(obj, 'status');
  if (status) setDefaultString(status, 'phase', 'Pending');
}

export function defaultPersistentVolumeClaim(obj: any): void {
  if (!isObject(obj)) return;
  const spec = child(obj, 'spec');
  if (spec) {
    setDefault(spec, 'volumeMode', 'Filesystem');
    if (isObject(spec.resources)) {
      canonicalizeResourceList(spec.resources.requests);
      canonicalizeResourceList(spec.resources.limits);
    }
  }
  const status = child(obj, 'status');
  if (status) {
    setDefaultString(status, 'phase', 'Pending');
    canonicalizeResourceList(status.capacity);
  }
}

export function defaultStorageClass(obj: any): void {
  if (!isObject(obj)) return;
  setDefaultString(obj, 'reclaimPolicy', 'Delete');
  setDefaultString(obj, 'volumeBindingMode', 'Immediate');
}
