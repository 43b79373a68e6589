// storage.k8s.io/v1 (k8s.io/api/storage/v1) as protobuf: field number -> `jsonName type` per message,
// in the notation of ../schema.ts. Only the messages our served kinds reach are listed.
import type { PackageSchema } from '../schema.ts';

export const storagev1: PackageSchema = {
  name: 'storagev1',
  groupVersion: 'storage.k8s.io/v1',
  kinds: ['StorageClass'],
  messages: {
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
  },
};
