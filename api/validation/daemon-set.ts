// apps/v1 DaemonSet validation (upstream ValidateDaemonSetSpec; selector immutable in apps/v1).
import type { FieldError } from '../resource-type.ts';
import { immutable, invalid, notSupported, required } from './errors.ts';
import { FieldPath } from './path.ts';
import { isObject, isSet } from './shape.ts';
import { nonNegative } from './common.ts';
import { validateLabelSelector } from './selectors.ts';
import { intOrPercentNumber, notMoreThan100Percent, validatePositiveIntOrPercent } from './intstr.ts';
import { validateTemplateForController } from './workload.ts';

const spec = FieldPath.root('spec');

function validateUpdateStrategy(us: unknown, path: FieldPath): FieldError[] {
  const s = isObject(us) ? us : {};
  if (s.type === 'OnDelete') return [];
  if (s.type !== 'RollingUpdate') return [notSupported(path, us ?? null, ['RollingUpdate', 'OnDelete'])];
  const ru = s.rollingUpdate;
  if (!isObject(ru)) return [required(path.child('rollingUpdate'), '')];
  const p = path.child('rollingUpdate');
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, p.child('maxUnavailable')),
    ...validatePositiveIntOrPercent(ru.maxSurge, p.child('maxSurge')),
    ...notMoreThan100Percent(ru.maxUnavailable, p.child('maxUnavailable')),
    ...notMoreThan100Percent(ru.maxSurge, p.child('maxSurge')),
  ];
  const unavailable = intOrPercentNumber(ru.maxUnavailable) !== 0;
  const surge = intOrPercentNumber(ru.maxSurge) !== 0;
  if (unavailable && surge)
    errs.push(invalid(p.child('maxSurge'), ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
  if (!unavailable && !surge)
    errs.push(required(p.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
  return errs;
}

export function validateDaemonSet(obj: any, old?: any): FieldError[] {
  const s = obj?.spec;
  if (!isObject(s)) return [required(spec, '')];
  const errs = validateLabelSelector(s.selector, spec.child('selector'));
  if (
    isObject(s.selector) &&
    Object.keys(s.selector.matchLabels ?? {}).length + (s.selector.matchExpressions?.length ?? 0) === 0
  )
    errs.push(invalid(spec.child('selector'), s.selector, 'empty selector is invalid for daemonset'));
  if (!isSet(s.selector)) errs.push(required(spec.child('selector'), ''));
  errs.push(...validateTemplateForController(s.selector, s.template, spec.child('template'), 'DaemonSet'));
  errs.push(...nonNegative(s.minReadySeconds, spec.child('minReadySeconds')));
  errs.push(...validateUpdateStrategy(s.updateStrategy, spec.child('updateStrategy')));
  errs.push(...nonNegative(s.revisionHistoryLimit, spec.child('revisionHistoryLimit')));
  if (old !== undefined) errs.push(...immutable(spec.child('selector'), s.selector, old?.spec?.selector));
  return errs;
}
