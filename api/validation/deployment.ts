// apps/v1 Deployment validation (upstream ValidateDeploymentSpec; selector immutable in apps/v1).
import type { FieldError } from '../resource-type.ts';
import { forbidden, immutable, invalid, notSupported, required, typeInvalid } from './errors.ts';
import { FieldPath } from './path.ts';
import { isObject, isSet } from './shape.ts';
import { nonNegative } from './common.ts';
import { intOrPercentNumber, notMoreThan100Percent, validatePositiveIntOrPercent } from './intstr.ts';
import { validateTemplateForController, validateWorkloadSelector } from './workload.ts';

const spec = FieldPath.root('spec');

function validateStrategy(strategy: unknown, path: FieldPath): FieldError[] {
  if (!isObject(strategy)) return isSet(strategy) ? [typeInvalid(path, strategy, 'must be an object')] : [];
  switch (strategy.type) {
    case 'Recreate':
      return isSet(strategy.rollingUpdate)
        ? [forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")]
        : [];
    case 'RollingUpdate': {
      const ru = strategy.rollingUpdate;
      if (!isObject(ru))
        return [required(path.child('rollingUpdate'), 'this should be defaulted and never be nil')];
      const p = path.child('rollingUpdate');
      const errs = [
        ...validatePositiveIntOrPercent(ru.maxUnavailable, p.child('maxUnavailable')),
        ...validatePositiveIntOrPercent(ru.maxSurge, p.child('maxSurge')),
      ];
      if (intOrPercentNumber(ru.maxUnavailable) === 0 && intOrPercentNumber(ru.maxSurge) === 0)
        errs.push(
          invalid(p.child('maxUnavailable'), ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'),
        );
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, p.child('maxUnavailable')));
      return errs;
    }
    default:
      return [notSupported(path, strategy, ['Recreate', 'RollingUpdate'])];
  }
}

export function validateDeploymentSpec(s: unknown): FieldError[] {
  if (!isObject(s)) return [required(spec, '')];
  const errs = [
    ...nonNegative(s.replicas, spec.child('replicas')),
    ...validateWorkloadSelector(s.selector, spec.child('selector'), 'deployment'),
    ...validateTemplateForController(s.selector, s.template, spec.child('template'), 'ReplicaSet'),
    ...validateStrategy(s.strategy, spec.child('strategy')),
    ...nonNegative(s.minReadySeconds, spec.child('minReadySeconds')),
    ...nonNegative(s.revisionHistoryLimit, spec.child('revisionHistoryLimit')),
  ];
  if (isSet(s.progressDeadlineSeconds)) {
    errs.push(...nonNegative(s.progressDeadlineSeconds, spec.child('progressDeadlineSeconds')));
    if (s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0))
      errs.push(
        invalid(
          spec.child('progressDeadlineSeconds'),
          s.progressDeadlineSeconds,
          'must be greater than minReadySeconds',
        ),
      );
  }
  return errs;
}

export function validateDeployment(obj: any, old?: any): FieldError[] {
  const errs = validateDeploymentSpec(obj?.spec);
  if (old !== undefined)
    errs.push(...immutable(spec.child('selector'), obj?.spec?.selector, old?.spec?.selector));
  return errs;
}
