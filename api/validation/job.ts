// batch/v1 Job validation (upstream ValidateJob / ValidateJobSpecUpdate) and the job template a
// CronJob carries (ValidateJobTemplateSpec).
import type { FieldError } from '../resource-type.ts';
import { deepEqual, immutable, invalid, notSupported, required, typeInvalid } from './errors.ts';
import { FieldPath } from './path.ts';
import { isDNS1123Label } from './names.ts';
import { isObject, isSet, items } from './shape.ts';
import { nonNegative } from './common.ts';
import { validateLabelSelector } from './selectors.ts';
import { validatePodTemplateSpec } from './pod-spec.ts';
import { selectorMatchesTemplate } from './workload.ts';

const spec = FieldPath.root('spec');

/** Checks shared by Jobs and CronJob job templates (upstream validateJobSpec). */
export function validateJobSpecCommon(s: Record<string, any>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of [
    'parallelism',
    'completions',
    'activeDeadlineSeconds',
    'backoffLimit',
    'ttlSecondsAfterFinished',
    'backoffLimitPerIndex',
    'maxFailedIndexes',
  ])
    errs.push(...nonNegative(s[f], path.child(f)));
  if (isSet(s.completionMode)) {
    if (s.completionMode !== 'NonIndexed' && s.completionMode !== 'Indexed')
      errs.push(notSupported(path.child('completionMode'), s.completionMode, ['NonIndexed', 'Indexed']));
    if (s.completionMode === 'Indexed' && !isSet(s.completions))
      errs.push(required(path.child('completions'), 'when completion mode is Indexed'));
  }
  if (isSet(s.backoffLimitPerIndex) && s.completionMode !== 'Indexed')
    errs.push(
      invalid(path.child('backoffLimitPerIndex'), s.backoffLimitPerIndex, 'requires indexed completion mode'),
    );
  if (
    isSet(s.podReplacementPolicy) &&
    s.podReplacementPolicy !== 'TerminatingOrFailed' &&
    s.podReplacementPolicy !== 'Failed'
  )
    errs.push(
      notSupported(path.child('podReplacementPolicy'), s.podReplacementPolicy, [
        'Failed',
        'TerminatingOrFailed',
      ]),
    );
  const tpl = path.child('template');
  errs.push(...validatePodTemplateSpec(s.template, tpl));
  const restart =
    isObject(s.template) && isObject(s.template.spec) ? s.template.spec.restartPolicy : undefined;
  if (restart !== 'OnFailure' && restart !== 'Never')
    errs.push(notSupported(tpl.child('spec', 'restartPolicy'), restart ?? '', ['OnFailure', 'Never']));
  else if (isSet(s.podFailurePolicy) && restart !== 'Never')
    errs.push(
      invalid(
        tpl.child('spec', 'restartPolicy'),
        restart,
        'only "Never" is supported when podFailurePolicy is specified',
      ),
    );
  if (isSet(s.podFailurePolicy)) {
    const rules = isObject(s.podFailurePolicy) ? s.podFailurePolicy.rules : undefined;
    items(rules).forEach((r, i) => {
      const p = path.child('podFailurePolicy', 'rules').index(i);
      if (!isObject(r)) return void errs.push(typeInvalid(p, r, 'must be an object'));
      if (!['FailJob', 'FailIndex', 'Ignore', 'Count'].includes(r.action))
        errs.push(
          notSupported(p.child('action'), r.action ?? '', ['Count', 'FailIndex', 'FailJob', 'Ignore']),
        );
      if (isSet(r.onExitCodes) === isSet(r.onPodConditions))
        errs.push(invalid(p, r, 'specifying one of OnExitCodes and OnPodConditions is required'));
    });
  }
  return errs;
}

export function validateJob(obj: any, old?: any): FieldError[] {
  const s = obj?.spec;
  if (!isObject(s)) return [required(spec, '')];
  const errs = validateJobSpecCommon(s, spec);
  if (!isSet(s.selector)) errs.push(required(spec.child('selector'), ''));
  else errs.push(...validateLabelSelector(s.selector, spec.child('selector')));
  errs.push(...selectorMatchesTemplate(s.selector, s.template, spec.child('template')));
  const name = obj?.metadata?.name;
  if (
    s.completionMode === 'Indexed' &&
    typeof s.completions === 'number' &&
    s.completions > 0 &&
    typeof name === 'string'
  ) {
    const maxHostname = `${name}-${s.completions - 1}`;
    if (isDNS1123Label(maxHostname).length)
      errs.push(
        invalid(
          FieldPath.root('metadata', 'name'),
          name,
          `will not able to create pod with invalid DNS label: ${maxHostname}`,
        ),
      );
  }
  if (old === undefined || !isObject(old?.spec)) return errs;
  const o = old.spec;
  errs.push(...immutable(spec.child('selector'), s.selector, o.selector));
  for (const f of [
    'completionMode',
    'podFailurePolicy',
    'backoffLimitPerIndex',
    'managedBy',
    'successPolicy',
  ])
    errs.push(...immutable(spec.child(f), s[f], o[f]));
  // Elastic indexed jobs may change completions together with parallelism.
  const elastic =
    s.completionMode === 'Indexed' && s.completions === s.parallelism && o.completions === o.parallelism;
  if (!elastic) errs.push(...immutable(spec.child('completions'), s.completions, o.completions));
  // A suspended job that never started may change its pod's scheduling directives.
  if (!deepEqual(s.template, o.template)) {
    const mayMutate = o.suspend === true && !isSet(old?.status?.startTime);
    if (!mayMutate) errs.push(...immutable(spec.child('template'), s.template, o.template));
  }
  return errs;
}
