// node.k8s.io/v1 (k8s.io/api/node/v1) as protobuf: field number -> `jsonName type` per message,
// in the notation of ../schema.ts. Only messages the kinds below reach are listed.
import type { PackageSchema } from '../schema.ts';

export const nodev1: PackageSchema = {
  name: 'nodev1',
  groupVersion: 'node.k8s.io/v1',
  kinds: ['RuntimeClass'],
  messages: {
    Overhead: {
      1: 'podFixed map[string]resource.Quantity',
    },
    RuntimeClass: {
      1: 'metadata metav1.ObjectMeta',
      2: 'handler string!',
      3: 'overhead *Overhead',
      4: 'scheduling *Scheduling',
    },
    Scheduling: {
      1: 'nodeSelector map[string]string',
      2: 'tolerations []corev1.Toleration',
    },
  },
};
