// scheduling.k8s.io/v1 PriorityClass defaults: pods of a class preempt lower priorities unless
// the class says Never.
export function defaultPriorityClass(obj: any): void {
  if (obj && typeof obj === 'object' && obj.preemptionPolicy === undefined)
    obj.preemptionPolicy = 'PreemptLowerPriority';
}
