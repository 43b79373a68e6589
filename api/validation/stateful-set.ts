// apps/v1 StatefulSet validation (upstream ValidateStatefulSetSpec / ValidateStatefulSetUpdate).
// Like upstream, the pod spec itself is not validated here (its volumes come partly from
// volumeClaimTemplates); the template's labels, annotations and restart policy are.
import type { FieldError } from '../resource-type.ts';
import { deepEqual, forbidden, invalid, notSupported, required } from './errors.ts';
import { FieldPath } from './path.ts';
import { isObject, isSet } from './shape.ts';
import { nonNegative } from './common.ts';
import { validateAnnotations, validateLabels } from './object-meta.ts';
import { validatePositiveIntOrPercent } from './intstr.ts';
import { selectorMatchesTemplate, validateWorkloadSelector } from './workload.ts';

const spec = FieldPath.root('spec');

function validateSpec(s: Record<string, any>): FieldError[] {
  const errs: FieldError[] = [];
  const pmp = s.podManagementPolicy;
  if (!pmp) errs.push(required(spec.child('podManagementPolicy'), ''));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel')
    errs.push(invalid(spec.child('podManagementPolicy'), pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = isObject(s.updateStrategy) ? s.updateStrategy : {};
  switch (us.type) {
    case undefined:
    case '':
      errs.push(required(spec.child('updateStrategy'), ''));
      break;
    case 'OnDelete':
      if (isSet(us.rollingUpdate))
        errs.push(
          invalid(
            spec.child('updateStrategy', 'rollingUpdate'),
            us.rollingUpdate,
            "only allowed for updateStrategy 'RollingUpdate'",
          ),
        );
      break;
    case 'RollingUpdate':
      if (isObject(us.rollingUpdate)) {
        const p = spec.child('updateStrategy', 'rollingUpdate');
        errs.push(...nonNegative(us.rollingUpdate.partition, p.child('partition')));
        if (isSet(us.rollingUpdate.maxUnavailable))
          errs.push(
            ...validatePositiveIntOrPercent(us.rollingUpdate.maxUnavailable, p.child('maxUnavailable')),
          );
      }
      break;
    default:
      errs.push(invalid(spec.child('updateStrategy'), us, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = s.persistentVolumeClaimRetentionPolicy;
  if (isObject(retention))
    for (const f of ['whenDeleted', 'whenScaled']) {
      const v = retention[f];
      if (v !== 'Retain' && v !== 'Delete')
        errs.push(
          notSupported(spec.child('persistentVolumeClaimRetentionPolicy', f), v ?? '', ['Retain', 'Delete']),
        );
    }
  errs.push(...nonNegative(s.replicas, spec.child('replicas')));
  if (isObject(s.ordinals)) errs.push(...nonNegative(s.ordinals.start, spec.child('ordinals.start')));
  errs.push(...nonNegative(s.minReadySeconds, spec.child('minReadySeconds')));
  errs.push(...validateWorkloadSelector(s.selector, spec.child('selector'), 'statefulset'));
  const tpl = spec.child('template');
  errs.push(...selectorMatchesTemplate(s.selector, s.template, tpl));
  const meta = isObject(s.template) && isObject(s.template.metadata) ? s.template.metadata : {};
  errs.push(...validateLabels(meta.labels, tpl.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, tpl.child('annotations')));
  const podSpec = isObject(s.template) && isObject(s.template.spec) ? s.template.spec : {};
  if (podSpec.restartPolicy !== 'Always')
    errs.push(notSupported(tpl.child('spec', 'restartPolicy'), podSpec.restartPolicy ?? '', ['Always']));
  if (isSet(podSpec.activeDeadlineSeconds))
    errs.push(
      forbidden(
        tpl.child('spec', 'activeDeadlineSeconds'),
        'activeDeadlineSeconds in StatefulSet is not Supported',
      ),
    );
  return errs;
}

const updatable = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'minReadySeconds',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
];

export function validateStatefulSet(obj: any, old?: any): FieldError[] {
  const s = obj?.spec;
  if (!isObject(s)) return [required(spec, '')];
  const errs = validateSpec(s);
  if (old !== undefined && isObject(old?.spec)) {
    const a = { ...s };
    const b = { ...old.spec };
    for (const f of updatable) {
      delete a[f];
      delete b[f];
    }
    if (!deepEqual(a, b))
      errs.push(
        forbidden(
          spec,
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ),
      );
  }
  return errs;
}
