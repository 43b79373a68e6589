// autoscaling/v1 (k8s.io/api/autoscaling/v1) as protobuf: field number -> `jsonName type` per message,
// in the notation of ../schema.ts. Only the messages our served kinds reach are listed.
import type { PackageSchema } from '../schema.ts';

export const autoscalingv1: PackageSchema = {
  name: 'autoscalingv1',
  groupVersion: 'autoscaling/v1',
  kinds: ['Scale'],
  messages: {
    Scale: {
      1: 'metadata metav1.ObjectMeta',
      2: 'spec ScaleSpec',
      3: 'status ScaleStatus',
    },
    ScaleSpec: {
      1: 'replicas int32',
    },
    ScaleStatus: {
      1: 'replicas int32!',
      2: 'selector string',
    },
  },
};
