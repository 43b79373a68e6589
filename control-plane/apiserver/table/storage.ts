// Storage types: persistentvolumes, persistentvolumeclaims, storageclasses.
import { accessModes, ageColumn, column, nameColumn, quantityString, type TypePrinter } from './common.ts';

const betaClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

/** The beta annotation still wins over spec.storageClassName, as upstream's helpers say. */
function storageClass(obj: any): string {
  return obj?.metadata?.annotations?.[betaClassAnnotation] ?? obj?.spec?.storageClassName ?? '';
}

const volumeMode = (o: any) => o.spec?.volumeMode ?? '<unset>';
const attributesClass = (o: any) => o.spec?.volumeAttributesClassName ?? '<unset>';

export const persistentVolumePrinter: TypePrinter = {
  columns: [
    nameColumn,
    column(
      'Capacity',
      'string',
      "capacity is the description of the persistent volume's resources and capacity.",
      (o) => quantityString(o.spec?.capacity?.storage),
    ),
    column('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted.', (o) =>
      accessModes(o.spec?.accessModes),
    ),
    column(
      'Reclaim Policy',
      'string',
      'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.',
      (o) => o.spec?.persistentVolumeReclaimPolicy ?? '',
    ),
    column(
      'Status',
      'string',
      'phase indicates if a volume is available, bound to a claim, or released by a claim.',
      (o) => (o.metadata?.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? '')),
    ),
    column(
      'Claim',
      'string',
      'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.',
      (o) => (o.spec?.claimRef ? `${o.spec.claimRef.namespace ?? ''}/${o.spec.claimRef.name ?? ''}` : ''),
    ),
    column(
      'StorageClass',
      'string',
      'storageClassName is the name of StorageClass to which this persistent volume belongs.',
      storageClass,
    ),
    column(
      'VolumeAttributesClass',
      'string',
      'Name of VolumeAttributesClass to which this persistent volume belongs.',
      attributesClass,
    ),
    column(
      'Reason',
      'string',
      'reason is a brief CamelCase string that describes any failure.',
      (o) => o.status?.reason ?? '',
    ),
    ageColumn,
    column(
      'VolumeMode',
      'string',
      'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.',
      volumeMode,
      {
        wide: true,
      },
    ),
  ],
};

/** Capacity and access modes come from status, and only once the claim is bound to a volume. */
const bound = (o: any) => !!o.spec?.volumeName;

export const persistentVolumeClaimPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.', (o) =>
      o.metadata?.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? ''),
    ),
    column(
      'Volume',
      'string',
      'volumeName is the binding reference to the PersistentVolume backing this claim.',
      (o) => o.spec?.volumeName ?? '',
    ),
    column('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.', (o) =>
      bound(o) ? quantityString(o.status?.capacity?.storage) : '',
    ),
    column(
      'Access Modes',
      'string',
      'accessModes contains the actual access modes the volume backing the PVC has.',
      (o) => (bound(o) ? accessModes(o.status?.accessModes) : ''),
    ),
    column(
      'StorageClass',
      'string',
      'storageClassName is the name of the StorageClass required by the claim.',
      storageClass,
    ),
    column(
      'VolumeAttributesClass',
      'string',
      'volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.',
      attributesClass,
    ),
    ageColumn,
    column(
      'VolumeMode',
      'string',
      'volumeMode defines what type of volume is required by the claim.',
      volumeMode,
      {
        wide: true,
      },
    ),
  ],
};

function isDefaultClass(o: any): boolean {
  const a = o?.metadata?.annotations ?? {};
  return (
    a['storageclass.kubernetes.io/is-default-class'] === 'true' ||
    a['storageclass.beta.kubernetes.io/is-default-class'] === 'true'
  );
}

export const storageClassPrinter: TypePrinter = {
  columns: [
    {
      ...nameColumn,
      cell: (o) => `${o?.metadata?.name ?? ''}${isDefaultClass(o) ? ' (default)' : ''}`,
    },
    column(
      'Provisioner',
      'string',
      'provisioner indicates the type of the provisioner.',
      (o) => o.provisioner ?? '',
    ),
    column(
      'ReclaimPolicy',
      'string',
      'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.',
      (o) => o.reclaimPolicy ?? 'Delete',
    ),
    column(
      'VolumeBindingMode',
      'string',
      'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.',
      (o) => o.volumeBindingMode ?? 'Immediate',
    ),
    column(
      'AllowVolumeExpansion',
      'string',
      'allowVolumeExpansion shows whether the storage class allow volume expand.',
      (o) => o.allowVolumeExpansion === true,
    ),
    ageColumn,
  ],
};
