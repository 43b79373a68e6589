// storage.k8s.io/v1 (k8s.io/api/storage/v1) as protobuf: field number -> `jsonName type` per message,
// in the notation of ../schema.ts. Only messages the kinds below reach are listed.
import type { PackageSchema } from '../schema.ts';

export const storagev1: PackageSchema = {
  name: 'storagev1',
  groupVersion: 'storage.k8s.io/v1',
  kinds: ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment'],
  messages: {
    CSIDriver: {
      1: 'metadata metav1.ObjectMeta',
      2: 'spec CSIDriverSpec',
    },
    CSIDriverSpec: {
      1: 'attachRequired *bool',
      2: 'podInfoOnMount *bool',
      3: 'volumeLifecycleModes []string',
      4: 'storageCapacity *bool',
      5: 'fsGroupPolicy *string',
      6: 'tokenRequests []TokenRequest',
      7: 'requiresRepublish *bool',
      8: 'seLinuxMount *bool',
    },
    CSINode: {
      1: 'metadata metav1.ObjectMeta',
      2: 'spec CSINodeSpec',
    },
    CSINodeDriver: {
      1: 'name string!',
      2: 'nodeID string!',
      3: 'topologyKeys []string',
      4: 'allocatable *VolumeNodeResources',
    },
    CSINodeSpec: {
      1: 'drivers []CSINodeDriver',
    },
    StorageClass: {
      1: 'metadata metav1.ObjectMeta',
      2: 'provisioner string!',
      3: 'parameters map[string]string',
      4: 'reclaimPolicy *string',
      5: 'mountOptions []string',
      6: 'allowVolumeExpansion *bool',
      7: 'volumeBindingMode *string',
      8: 'allowedTopologies []corev1.TopologySelectorTerm',
    },
    TokenRequest: {
      1: 'audience string!',
      2: 'expirationSeconds *int64',
    },
    VolumeAttachment: {
      1: 'metadata metav1.ObjectMeta',
      2: 'spec VolumeAttachmentSpec',
      3: 'status VolumeAttachmentStatus',
    },
    VolumeAttachmentSource: {
      1: 'persistentVolumeName *string',
      2: 'inlineVolumeSpec *corev1.PersistentVolumeSpec',
    },
    VolumeAttachmentSpec: {
      1: 'attacher string!',
      2: 'source VolumeAttachmentSource',
      3: 'nodeName string!',
    },
    VolumeAttachmentStatus: {
      1: 'attached bool!',
      2: 'attachmentMetadata map[string]string',
      3: 'attachError *VolumeError',
      4: 'detachError *VolumeError',
    },
    VolumeError: {
      1: 'time metav1.Time',
      2: 'message string',
    },
    VolumeNodeResources: {
      1: 'count *int32',
    },
  },
};
