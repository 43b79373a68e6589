// apps/v1 ReplicaSet validation (upstream ValidateReplicaSetSpec; selector immutable in apps/v1).
import type { FieldError } from '../resource-type.ts';
import { immutable, required } from './errors.ts';
import { FieldPath } from './path.ts';
import { isObject } from './shape.ts';
import { nonNegative } from './common.ts';
import { validateTemplateForController, validateWorkloadSelector } from './workload.ts';

const spec = FieldPath.root('spec');

export function validateReplicaSet(obj: any, old?: any): FieldError[] {
  const s = obj?.spec;
  if (!isObject(s)) return [required(spec, '')];
  const errs = [
    ...nonNegative(s.replicas, spec.child('replicas')),
    ...nonNegative(s.minReadySeconds, spec.child('minReadySeconds')),
    // Upstream says "for deployment" here too.
    ...validateWorkloadSelector(s.selector, spec.child('selector'), 'deployment'),
    ...validateTemplateForController(s.selector, s.template, spec.child('template'), 'ReplicaSet'),
  ];
  if (old !== undefined) errs.push(...immutable(spec.child('selector'), s.selector, old?.spec?.selector));
  return errs;
}
