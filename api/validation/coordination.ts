// coordination.k8s.io/v1 Lease and autoscaling/v2 HorizontalPodAutoscaler validation.
import type { FieldError } from '../resource-type.ts';
import { invalid, notSupported, required, typeInvalid } from './errors.ts';
import { FieldPath } from './path.ts';
import { isValidPathSegmentName } from './names.ts';
import { isObject, isSet, items, str } from './shape.ts';
import { nonNegative } from './common.ts';
import { quantityAt } from './resources.ts';
import { Quantity } from '../quantity.ts';

export function validateLease(obj: any): FieldError[] {
  const spec = FieldPath.root('spec');
  const s = isObject(obj?.spec) ? obj.spec : {};
  const errs: FieldError[] = [];
  if (
    isSet(s.leaseDurationSeconds) &&
    !(typeof s.leaseDurationSeconds === 'number' && s.leaseDurationSeconds > 0)
  )
    errs.push(invalid(spec.child('leaseDurationSeconds'), s.leaseDurationSeconds, 'must be greater than 0'));
  errs.push(...nonNegative(s.leaseTransitions, spec.child('leaseTransitions')));
  return errs;
}

const metricTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const metricSourceField: Record<string, string> = {
  ContainerResource: 'containerResource',
  External: 'external',
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
};

function crossVersionRef(ref: unknown, path: FieldPath): FieldError[] {
  if (!isObject(ref)) return [required(path, '')];
  const errs: FieldError[] = [];
  for (const f of ['kind', 'name']) {
    if (!ref[f]) errs.push(required(path.child(f), ''));
    else
      for (const msg of isValidPathSegmentName(str(ref[f]))) errs.push(invalid(path.child(f), ref[f], msg));
  }
  return errs;
}

function metricTarget(t: unknown, path: FieldPath): FieldError[] {
  if (!isObject(t)) return [required(path, '')];
  const errs: FieldError[] = [];
  if (!t.type) errs.push(required(path.child('type'), 'must specify a metric target type'));
  else if (!['Utilization', 'Value', 'AverageValue'].includes(t.type))
    errs.push(notSupported(path.child('type'), t.type, ['AverageValue', 'Utilization', 'Value']));
  for (const f of ['value', 'averageValue']) {
    if (!isSet(t[f])) continue;
    const q = quantityAt(t[f], path.child(f));
    if (!(q instanceof Quantity)) errs.push(q);
    else if (q.sign() <= 0) errs.push(invalid(path.child(f), q.toString(), 'must be positive'));
  }
  if (isSet(t.averageUtilization) && !(t.averageUtilization > 0))
    errs.push(invalid(path.child('averageUtilization'), t.averageUtilization, 'must be greater than 0'));
  if (t.type === 'Utilization' && !isSet(t.averageUtilization))
    errs.push(
      required(
        path.child('averageUtilization'),
        'must set either a target raw value or a target utilization',
      ),
    );
  if (t.type === 'Value' && !isSet(t.value))
    errs.push(required(path.child('value'), 'must set either a target value for metric or a per-pod target'));
  if (t.type === 'AverageValue' && !isSet(t.averageValue))
    errs.push(
      required(path.child('averageValue'), 'must set either a target value for metric or a per-pod target'),
    );
  return errs;
}

function metric(m: unknown, path: FieldPath): FieldError[] {
  if (!isObject(m)) return [typeInvalid(path, m, 'must be an object')];
  if (!m.type) return [required(path.child('type'), 'must specify a metric source type')];
  if (!metricTypes.includes(m.type)) return [notSupported(path.child('type'), m.type, metricTypes)];
  const errs: FieldError[] = [];
  for (const [type, field] of Object.entries(metricSourceField)) {
    if (type === m.type) continue;
    if (isSet(m[field]))
      errs.push(invalid(path.child(field), m[field], 'must populate the given metric source only'));
  }
  const field = metricSourceField[m.type];
  const src = m[field];
  const p = path.child(field);
  if (!isObject(src)) return [...errs, required(p, 'must populate information for the given metric source')];
  if (m.type === 'Resource' || m.type === 'ContainerResource') {
    if (!src.name) errs.push(required(p.child('name'), 'must specify a resource name'));
    if (m.type === 'ContainerResource' && !src.container)
      errs.push(required(p.child('container'), 'must specify a container'));
  } else {
    const id = isObject(src.metric) ? src.metric : {};
    if (!id.name) errs.push(required(p.child('metric', 'name'), 'must specify a metric name'));
    if (m.type === 'Object') errs.push(...crossVersionRef(src.describedObject, p.child('describedObject')));
  }
  errs.push(...metricTarget(src.target, p.child('target')));
  return errs;
}

function scalingRules(r: unknown, path: FieldPath): FieldError[] {
  if (!isSet(r)) return [];
  if (!isObject(r)) return [typeInvalid(path, r, 'must be an object')];
  const errs: FieldError[] = [];
  if (
    isSet(r.stabilizationWindowSeconds) &&
    !(r.stabilizationWindowSeconds >= 0 && r.stabilizationWindowSeconds <= 3600)
  )
    errs.push(
      invalid(
        path.child('stabilizationWindowSeconds'),
        r.stabilizationWindowSeconds,
        'must be less than or equal to 3600',
      ),
    );
  if (isSet(r.selectPolicy) && !['Max', 'Min', 'Disabled'].includes(r.selectPolicy))
    errs.push(notSupported(path.child('selectPolicy'), r.selectPolicy, ['Disabled', 'Max', 'Min']));
  const policies = items(r.policies);
  if (isSet(r.policies) && policies.length === 0)
    errs.push(required(path.child('policies'), 'must specify at least one Policy'));
  policies.forEach((pol, i) => {
    const p = path.child('policies').index(i);
    if (!isObject(pol)) return void errs.push(typeInvalid(p, pol, 'must be an object'));
    if (pol.type !== 'Pods' && pol.type !== 'Percent')
      errs.push(notSupported(p.child('type'), pol.type ?? '', ['Percent', 'Pods']));
    if (!(pol.value > 0)) errs.push(invalid(p.child('value'), pol.value ?? 0, 'must be greater than zero'));
    if (!(pol.periodSeconds > 0))
      errs.push(invalid(p.child('periodSeconds'), pol.periodSeconds ?? 0, 'must be greater than zero'));
    else if (pol.periodSeconds > 1800)
      errs.push(invalid(p.child('periodSeconds'), pol.periodSeconds, 'must be less than or equal to 1800'));
  });
  return errs;
}

export function validateHorizontalPodAutoscaler(obj: any): FieldError[] {
  const spec = FieldPath.root('spec');
  const s = obj?.spec;
  if (!isObject(s)) return [required(spec, '')];
  const errs: FieldError[] = [];
  if (isSet(s.minReplicas) && !(typeof s.minReplicas === 'number' && s.minReplicas >= 1))
    errs.push(invalid(spec.child('minReplicas'), s.minReplicas, 'must be greater than or equal to 1'));
  if (!(typeof s.maxReplicas === 'number' && s.maxReplicas >= 1))
    errs.push(invalid(spec.child('maxReplicas'), s.maxReplicas ?? 0, 'must be greater than 0'));
  if (typeof s.minReplicas === 'number' && typeof s.maxReplicas === 'number' && s.maxReplicas < s.minReplicas)
    errs.push(
      invalid(spec.child('maxReplicas'), s.maxReplicas, 'must be greater than or equal to `minReplicas`'),
    );
  const refErrs = crossVersionRef(s.scaleTargetRef, spec.child('scaleTargetRef'));
  if (refErrs.length) return [...errs, ...refErrs];
  const metricErrs = items(s.metrics).flatMap((m, i) => metric(m, spec.child('metrics').index(i)));
  if (metricErrs.length) return [...errs, ...metricErrs];
  if (isObject(s.behavior)) {
    errs.push(...scalingRules(s.behavior.scaleUp, spec.child('behavior', 'scaleUp')));
    errs.push(...scalingRules(s.behavior.scaleDown, spec.child('behavior', 'scaleDown')));
  }
  return errs;
}
