// What the controllers' specs share: a required, non-empty selector that must select the pods
// the template produces (upstream ValidatePodTemplateSpecForReplicaSet and friends).
import type { FieldError } from '../resource-type.ts';
import { labelSelectorAsMatcher } from '../labels/label-selector.ts';
import { forbidden, invalid, notSupported, required } from './errors.ts';
import type { FieldPath } from './path.ts';
import { isObject, isSet } from './shape.ts';
import { validateLabelSelector } from './selectors.ts';
import { validatePodTemplateSpec } from './pod-spec.ts';

/** Required selector with at least one requirement; `kind` words the "empty selector" message. */
export function validateWorkloadSelector(selector: unknown, path: FieldPath, kind: string): FieldError[] {
  if (!isSet(selector)) return [required(path, '')];
  const errs = validateLabelSelector(selector, path);
  if (isObject(selector)) {
    const n =
      Object.keys(isObject(selector.matchLabels) ? selector.matchLabels : {}).length +
      (Array.isArray(selector.matchExpressions) ? selector.matchExpressions.length : 0);
    if (n === 0) errs.push(invalid(path, selector, `empty selector is invalid for ${kind}`));
  }
  return errs;
}

/** The template's labels must be selected by `selector` (when the selector is valid and not empty). */
export function selectorMatchesTemplate(selector: unknown, template: unknown, path: FieldPath): FieldError[] {
  let matcher;
  try {
    matcher = labelSelectorAsMatcher(selector as any);
  } catch {
    return [];
  }
  if (matcher.empty()) return [];
  const labels =
    isObject(template) && isObject(template.metadata) && isObject(template.metadata.labels)
      ? template.metadata.labels
      : {};
  return matcher.matches(labels)
    ? []
    : [invalid(path.child('metadata', 'labels'), labels, '`selector` does not match template `labels`')];
}

/** A pod template run by a long-running controller: restartPolicy Always, no deadline. */
export function validateTemplateForController(
  selector: unknown,
  template: unknown,
  path: FieldPath,
  kind: string,
): FieldError[] {
  const errs = [
    ...selectorMatchesTemplate(selector, template, path),
    ...validatePodTemplateSpec(template, path),
  ];
  const spec = isObject(template) && isObject(template.spec) ? template.spec : undefined;
  if (spec) {
    if (spec.restartPolicy !== 'Always')
      errs.push(notSupported(path.child('spec', 'restartPolicy'), spec.restartPolicy ?? '', ['Always']));
    if (isSet(spec.activeDeadlineSeconds))
      errs.push(
        forbidden(
          path.child('spec', 'activeDeadlineSeconds'),
          `activeDeadlineSeconds in ${kind} is not Supported`,
        ),
      );
  }
  return errs;
}
