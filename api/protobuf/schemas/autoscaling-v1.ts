// autoscaling/v1 (k8s.io/api/autoscaling/v1) as protobuf: field number -> `jsonName type` per message,
// in the notation of ../schema.ts. Only messages the kinds below reach are listed.
import type { PackageSchema } from '../schema.ts';

export const autoscalingv1: PackageSchema = {
  name: 'autoscalingv1',
  groupVersion: 'autoscaling/v1',
  kinds: ['Scale', 'HorizontalPodAutoscaler'],
  messages: {
    CrossVersionObjectReference: {
      1: 'kind string!',
      2: 'name string!',
      3: 'apiVersion string',
    },
    HorizontalPodAutoscaler: {
      1: 'metadata metav1.ObjectMeta',
      2: 'spec HorizontalPodAutoscalerSpec',
      3: 'status HorizontalPodAutoscalerStatus',
    },
    HorizontalPodAutoscalerSpec: {
      1: 'scaleTargetRef CrossVersionObjectReference',
      2: 'minReplicas *int32',
      3: 'maxReplicas int32!',
      4: 'targetCPUUtilizationPercentage *int32',
    },
    HorizontalPodAutoscalerStatus: {
      1: 'observedGeneration *int64',
      2: 'lastScaleTime *metav1.Time',
      3: 'currentReplicas int32!',
      4: 'desiredReplicas int32!',
      5: 'currentCPUUtilizationPercentage *int32',
    },
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
