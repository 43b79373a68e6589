// policy/v1 (k8s.io/api/policy/v1) as protobuf: field number -> `jsonName type` per message,
// in the notation of ../schema.ts. Only messages the kinds below reach are listed.
import type { PackageSchema } from '../schema.ts';

export const policyv1: PackageSchema = {
  name: 'policyv1',
  groupVersion: 'policy/v1',
  kinds: ['Eviction', 'PodDisruptionBudget'],
  messages: {
    Eviction: {
      1: 'metadata metav1.ObjectMeta',
      2: 'deleteOptions *metav1.DeleteOptions',
    },
    PodDisruptionBudget: {
      1: 'metadata metav1.ObjectMeta',
      2: 'spec PodDisruptionBudgetSpec',
      3: 'status PodDisruptionBudgetStatus',
    },
    PodDisruptionBudgetSpec: {
      1: 'minAvailable *intstr.IntOrString',
      2: 'selector *metav1.LabelSelector',
      3: 'maxUnavailable *intstr.IntOrString',
      4: 'unhealthyPodEvictionPolicy *string',
    },
    PodDisruptionBudgetStatus: {
      1: 'observedGeneration int64',
      2: 'disruptedPods map[string]metav1.Time',
      3: 'disruptionsAllowed int32!',
      4: 'currentHealthy int32!',
      5: 'desiredHealthy int32!',
      6: 'expectedPods int32!',
      7: 'conditions []metav1.Condition',
    },
  },
};
