// core/v1 pod volumes of the common kinds. Exactly one source is set per volume.
import type { LabelSelector } from './meta.ts';
import type {
  LocalObjectReference,
  TypedLocalObjectReference,
  TypedObjectReference,
} from './object-reference.ts';
import type { ObjectFieldSelector, ResourceFieldSelector } from './container.ts';
import type { QuantityString, VolumeResourceRequirements } from './resource-requirements.ts';
import type { ObjectMeta } from './meta.ts';

export type HostPathType =
  '' | 'DirectoryOrCreate' | 'Directory' | 'FileOrCreate' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice';

export interface KeyToPath {
  /** The key to project. */
  key: string;
  /** Relative path of the file to map the key to. */
  path: string;
  /** File mode bits (0000-0777); defaults to the volume's defaultMode. */
  mode?: number;
}

export interface EmptyDirVolumeSource {
  /** Storage medium: '' (node default) or Memory (tmpfs). */
  medium?: '' | 'Memory' | 'HugePages';
  /** Maximum size of the volume. */
  sizeLimit?: QuantityString;
}

export interface HostPathVolumeSource {
  /** Path of the file or directory on the host. */
  path: string;
  /** What must exist at the path; '' skips checks. */
  type?: HostPathType;
}

export interface ConfigMapVolumeSource {
  /** Name of the ConfigMap. */
  name?: string;
  /** Keys to project; all keys when empty. */
  items?: KeyToPath[];
  /** Mode bits for created files; defaults to 0644 (420). */
  defaultMode?: number;
  /** Whether the ConfigMap or its keys may be missing. */
  optional?: boolean;
}

export interface SecretVolumeSource {
  /** Name of the Secret in the pod's namespace. */
  secretName?: string;
  /** Keys to project; all keys when empty. */
  items?: KeyToPath[];
  /** Mode bits for created files; defaults to 0644 (420). */
  defaultMode?: number;
  /** Whether the Secret or its keys may be missing. */
  optional?: boolean;
}

export interface PersistentVolumeClaimVolumeSource {
  /** Name of a PersistentVolumeClaim in the pod's namespace. */
  claimName: string;
  /** Mount read-only. */
  readOnly?: boolean;
}

export interface DownwardAPIVolumeFile {
  /** Relative path of the file to create. */
  path: string;
  /** A field of the pod: labels, annotations, name, namespace. */
  fieldRef?: ObjectFieldSelector;
  /** A resource of a container. */
  resourceFieldRef?: ResourceFieldSelector;
  /** File mode bits. */
  mode?: number;
}

export interface DownwardAPIVolumeSource {
  /** Files to create. */
  items?: DownwardAPIVolumeFile[];
  /** Mode bits for created files; defaults to 0644 (420). */
  defaultMode?: number;
}

export interface ServiceAccountTokenProjection {
  /** Intended audience of the token; defaults to the API server's identifier. */
  audience?: string;
  /**
   * Requested token lifetime in seconds; defaults to 3600, at least 600.
   * @format int64
   */
  expirationSeconds?: number;
  /** Relative path of the token file. */
  path: string;
}

export interface ClusterTrustBundleProjection {
  /** Select a single bundle by name. */
  name?: string;
  /** Select bundles by signer name. */
  signerName?: string;
  /** Select bundles by label. */
  labelSelector?: LabelSelector;
  /** Whether a missing bundle is allowed. */
  optional?: boolean;
  /** Relative path of the file. */
  path: string;
}

export interface VolumeProjection {
  /** Keys of a Secret. */
  secret?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  /** Pod fields. */
  downwardAPI?: { items?: DownwardAPIVolumeFile[] };
  /** Keys of a ConfigMap. */
  configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean };
  /** A bound service account token. */
  serviceAccountToken?: ServiceAccountTokenProjection;
  /** Certificates of a ClusterTrustBundle. */
  clusterTrustBundle?: ClusterTrustBundleProjection;
}

export interface ProjectedVolumeSource {
  /** The projected sources. */
  sources?: VolumeProjection[];
  /** Mode bits for created files; defaults to 0644 (420). */
  defaultMode?: number;
}

export interface NFSVolumeSource {
  /** Host name or IP of the NFS server. */
  server: string;
  /** Path exported by the server. */
  path: string;
  /** Mount read-only. */
  readOnly?: boolean;
}

export interface CSIVolumeSource {
  /** Name of the CSI driver. */
  driver: string;
  /** Mount read-only. */
  readOnly?: boolean;
  /** Filesystem type, e.g. ext4. */
  fsType?: string;
  /** Driver-specific attributes. */
  volumeAttributes?: Record<string, string>;
  /** Secret with sensitive information for the driver. */
  nodePublishSecretRef?: LocalObjectReference;
}

export interface PersistentVolumeClaimSpecTemplate {
  /** Desired access modes. */
  accessModes?: string[];
  /** Label query over volumes to bind to. */
  selector?: LabelSelector;
  /** Storage requested. */
  resources?: VolumeResourceRequirements;
  /** Binding reference to a specific PersistentVolume. */
  volumeName?: string;
  /** StorageClass to provision from. */
  storageClassName?: string;
  /** Filesystem or Block. */
  volumeMode?: 'Filesystem' | 'Block';
  /** Populate from a snapshot or another claim. */
  dataSource?: TypedLocalObjectReference;
  /** Populate from any object a populator understands. */
  dataSourceRef?: TypedObjectReference;
  /** VolumeAttributesClass to use. */
  volumeAttributesClassName?: string;
}

export interface EphemeralVolumeSource {
  /** Template of the PersistentVolumeClaim created for the pod. */
  volumeClaimTemplate?: { metadata?: ObjectMeta; spec: PersistentVolumeClaimSpecTemplate };
}

export interface ImageVolumeSource {
  /** Image reference to mount. */
  reference?: string;
  /** Always, Never or IfNotPresent. */
  pullPolicy?: 'Always' | 'Never' | 'IfNotPresent';
}

export interface ISCSIVolumeSource {
  /** iSCSI target portal. */
  targetPortal: string;
  /** Target iSCSI qualified name. */
  iqn: string;
  /** Target LUN number. */
  lun: number;
  /** iSCSI interface name. */
  iscsiInterface?: string;
  /** Filesystem type. */
  fsType?: string;
  /** Mount read-only. */
  readOnly?: boolean;
}

export interface VolumeSource {
  /** A temporary directory that lives as long as the pod. */
  emptyDir?: EmptyDirVolumeSource;
  /** A file or directory on the node. */
  hostPath?: HostPathVolumeSource;
  /** Keys of a ConfigMap as files. */
  configMap?: ConfigMapVolumeSource;
  /** Keys of a Secret as files. */
  secret?: SecretVolumeSource;
  /** A PersistentVolumeClaim in the pod's namespace. */
  persistentVolumeClaim?: PersistentVolumeClaimVolumeSource;
  /** Pod fields as files. */
  downwardAPI?: DownwardAPIVolumeSource;
  /** Several sources in one directory. */
  projected?: ProjectedVolumeSource;
  /** An NFS export. */
  nfs?: NFSVolumeSource;
  /** A CSI driver's ephemeral volume. */
  csi?: CSIVolumeSource;
  /** A PersistentVolumeClaim created and deleted with the pod. */
  ephemeral?: EphemeralVolumeSource;
  /** An OCI image's contents. */
  image?: ImageVolumeSource;
  /** An iSCSI disk. */
  iscsi?: ISCSIVolumeSource;
}

export interface Volume extends VolumeSource {
  /** Name of the volume, a DNS label unique within the pod. */
  name: string;
}

/** The volume source keys, in the order upstream checks them. */
export const volumeSourceKeys = [
  'hostPath',
  'emptyDir',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
  'gcePersistentDisk',
  'awsElasticBlockStore',
] as const;
