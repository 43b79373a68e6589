// scheduling.k8s.io/v1 (k8s.io/api/scheduling/v1) as protobuf: field number -> `jsonName type` per message,
// in the notation of ../schema.ts. Only messages the kinds below reach are listed.
import type { PackageSchema } from '../schema.ts';

export const schedulingv1: PackageSchema = {
  name: 'schedulingv1',
  groupVersion: 'scheduling.k8s.io/v1',
  kinds: ['PriorityClass'],
  messages: {
    PriorityClass: {
      1: 'metadata metav1.ObjectMeta',
      2: 'value int32!',
      3: 'globalDefault bool',
      4: 'description string',
      5: 'preemptionPolicy *string',
    },
  },
};
