// policy/v1 (k8s.io/api/policy/v1) as protobuf: field number -> `jsonName type` per message,
// in the notation of ../schema.ts. Only the messages our served kinds reach are listed.
import type { PackageSchema } from '../schema.ts';

export const policyv1: PackageSchema = {
  name: 'policyv1',
  groupVersion: 'policy/v1',
  kinds: ['Eviction'],
  messages: {
    Eviction: {
      1: 'metadata metav1.ObjectMeta',
      2: 'deleteOptions *metav1.DeleteOptions',
    },
  },
};
