// core/v1 PersistentVolume and PersistentVolumeClaim: storage and the requests for it.
import type { ObjectMeta, Time, TypeMeta } from './meta.ts';
import type { ObjectReference } from './object-reference.ts';
import type { ResourceList } from './resource-requirements.ts';
import type {
  HostPathVolumeSource,
  NFSVolumeSource,
  ISCSIVolumeSource,
  PersistentVolumeClaimSpecTemplate,
} from './volume.ts';
import type { NodeSelector } from './scheduling.ts';
import type { SecretReference } from './object-reference.ts';

export type PersistentVolumeAccessMode =
  'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';
export type PersistentVolumeReclaimPolicy = 'Recycle' | 'Delete' | 'Retain';
export type PersistentVolumeMode = 'Block' | 'Filesystem';

export interface LocalVolumeSource {
  /** Full path of the volume on the node. */
  path: string;
  /** Filesystem type, for block devices. */
  fsType?: string;
}

export interface CSIPersistentVolumeSource {
  /** Name of the CSI driver. */
  driver: string;
  /** Volume handle the driver returned on creation. */
  volumeHandle: string;
  /** Mount read-only. */
  readOnly?: boolean;
  /** Filesystem type. */
  fsType?: string;
  /** Driver-specific attributes. */
  volumeAttributes?: Record<string, string>;
  /** Secret for ControllerPublishVolume. */
  controllerPublishSecretRef?: SecretReference;
  /** Secret for NodeStageVolume. */
  nodeStageSecretRef?: SecretReference;
  /** Secret for NodePublishVolume. */
  nodePublishSecretRef?: SecretReference;
  /** Secret for ControllerExpandVolume. */
  controllerExpandSecretRef?: SecretReference;
  /** Secret for NodeExpandVolume. */
  nodeExpandSecretRef?: SecretReference;
}

export interface PersistentVolumeSpec {
  /** Capacity of the volume, e.g. storage: 10Gi. */
  capacity?: ResourceList;
  /** A directory on the node (single-node testing). */
  hostPath?: HostPathVolumeSource;
  /** A local disk or directory, with node affinity. */
  local?: LocalVolumeSource;
  /** An NFS export. */
  nfs?: NFSVolumeSource;
  /** A CSI volume. */
  csi?: CSIPersistentVolumeSource;
  /** An iSCSI disk. */
  iscsi?: ISCSIVolumeSource;
  /** Ways the volume can be mounted. */
  accessModes?: PersistentVolumeAccessMode[];
  /** The claim bound to this volume. */
  claimRef?: ObjectReference;
  /** What happens when the claim is released; defaults to Retain (Delete when provisioned). */
  persistentVolumeReclaimPolicy?: PersistentVolumeReclaimPolicy;
  /** StorageClass of the volume. */
  storageClassName?: string;
  /** Mount options. */
  mountOptions?: string[];
  /** Filesystem or Block; defaults to Filesystem. */
  volumeMode?: PersistentVolumeMode;
  /** Nodes the volume can be accessed from. */
  nodeAffinity?: { required?: NodeSelector };
  /** VolumeAttributesClass of the volume. */
  volumeAttributesClassName?: string;
}

export interface PersistentVolumeStatus {
  /** Pending, Available, Bound, Released or Failed. */
  phase?: 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed';
  /** Human-readable reason for the phase. */
  message?: string;
  /** CamelCase reason for the phase. */
  reason?: string;
  /** When the phase last changed. */
  lastPhaseTransitionTime?: Time;
}

/** PersistentVolume (PV) is a storage resource provisioned by an administrator. It is analogous to a node. */
export interface PersistentVolume extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** The volume. */
  spec?: PersistentVolumeSpec;
  /** Most recently observed status. */
  status?: PersistentVolumeStatus;
}

export type PersistentVolumeClaimSpec = PersistentVolumeClaimSpecTemplate;

export interface PersistentVolumeClaimCondition {
  /** Resizing, FileSystemResizePending, ... */
  type: string;
  /** True, False or Unknown. */
  status: 'True' | 'False' | 'Unknown';
  /** Last time the condition was probed. */
  lastProbeTime?: Time;
  /** Last time the condition changed status. */
  lastTransitionTime?: Time;
  /** CamelCase reason. */
  reason?: string;
  /** Human-readable details. */
  message?: string;
}

export interface PersistentVolumeClaimStatus {
  /** Pending, Bound or Lost. */
  phase?: 'Pending' | 'Bound' | 'Lost';
  /** Access modes of the bound volume. */
  accessModes?: PersistentVolumeAccessMode[];
  /** Capacity of the bound volume. */
  capacity?: ResourceList;
  /**
   * Current conditions.
   * @patchMergeKey type
   * @patchStrategy merge
   * @listType map
   * @listMapKey type
   */
  conditions?: PersistentVolumeClaimCondition[];
  /** Storage allocated to the claim. */
  allocatedResources?: ResourceList;
  /** Status of resize operations. */
  allocatedResourceStatuses?: Record<string, string>;
  /** VolumeAttributesClass currently applied. */
  currentVolumeAttributesClassName?: string;
}

/** PersistentVolumeClaim is a user's request for and claim to a persistent volume. */
export interface PersistentVolumeClaim extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** The storage requested. */
  spec?: PersistentVolumeClaimSpec;
  /** Most recently observed status. */
  status?: PersistentVolumeClaimStatus;
}
