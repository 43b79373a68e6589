// scheduling.k8s.io/v1 PriorityClass: a name for a pod priority. The Priority admission plugin
// turns a pod's priorityClassName into spec.priority; the scheduler orders and preempts by it.
import type { ObjectMeta, TypeMeta } from './meta.ts';
import type { PreemptionPolicy } from './pod.ts';

/** PriorityClass defines mapping from a priority class name to the priority integer value. The value can be any valid integer. */
export interface PriorityClass extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** The priority of pods of this class; at most 1000000000 for user-defined classes. */
  value: number;
  /** Pods without a priorityClassName get this class (at most one class may say so). */
  globalDefault?: boolean;
  /** When to use this class, for people. */
  description?: string;
  /** PreemptLowerPriority (default) or Never. */
  preemptionPolicy?: PreemptionPolicy;
}
