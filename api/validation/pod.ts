// Pod validation: the spec, the create-only rules (upstream ValidatePodCreate) and the narrow set
// of changes an update may make (upstream ValidatePodUpdate).
import type { FieldError } from '../resource-type.ts';
import { deepEqual, forbidden, invalid, required, typeInvalid } from './errors.ts';
import { FieldPath } from './path.ts';
import { inclusiveRangeError } from './names.ts';
import { isObject, isSet, items } from './shape.ts';
import { validatePodSpec } from './pod-spec.ts';
import { validateTolerations } from './scheduling.ts';
import { diffLines } from './diff.ts';

const spec = FieldPath.root('spec');

export const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

export function validatePod(pod: any, old?: any): FieldError[] {
  if (!isObject(pod)) return [typeInvalid('', pod, 'must be an object')];
  const errs = validatePodSpec(pod.spec, spec);
  if (old === undefined) {
    if (isObject(pod.spec)) {
      if (items(pod.spec.ephemeralContainers).length > 0)
        errs.push(forbidden(spec.child('ephemeralContainers'), 'cannot be set on create'));
      if (pod.spec.nodeName && items(pod.spec.schedulingGates).length > 0)
        errs.push(
          forbidden(spec.child('nodeName'), 'cannot be set until all schedulingGates have been cleared'),
        );
    }
    return errs;
  }
  return [...errs, ...validatePodSpecUpdate(pod.spec, isObject(old) ? old.spec : undefined)];
}

function containerUpdates(
  next: unknown,
  prev: unknown,
  path: FieldPath,
): { errs: FieldError[]; stop: boolean } {
  const a = items(next);
  const b = items(prev);
  if (a.length !== b.length)
    return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  a.forEach((c, i) => {
    const image = isObject(c) ? c.image : undefined;
    if (!image) errs.push(required(path.index(i).child('image'), ''));
    else if (typeof image === 'string' && image.trim() !== image)
      errs.push(invalid(path.index(i).child('image'), image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

function onlyAddedTolerations(next: unknown, prev: unknown, path: FieldPath): FieldError[] {
  const added = items(next);
  for (const old of items(prev)) {
    const found = added.some(
      (t) => isObject(t) && isObject(old) && deepEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t),
    );
    if (!found)
      return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(next, path);
}

/** Upstream ValidatePodUpdate's spec rules: only images, deadlines, added tolerations and removed gates change. */
export function validatePodSpecUpdate(next: any, prev: any): FieldError[] {
  if (!isObject(next) || !isObject(prev)) return [];
  const errs: FieldError[] = [];
  for (const f of ['containers', 'initContainers']) {
    const r = containerUpdates(next[f], prev[f], spec.child(f));
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const ads = next.activeDeadlineSeconds;
  if (isSet(ads)) {
    if (!(typeof ads === 'number' && ads >= 0 && ads <= 2147483647)) {
      errs.push(invalid(spec.child('activeDeadlineSeconds'), ads, inclusiveRangeError(0, 2147483647)));
      return errs;
    }
    if (isSet(prev.activeDeadlineSeconds) && prev.activeDeadlineSeconds < ads) {
      errs.push(
        invalid(spec.child('activeDeadlineSeconds'), ads, 'must be less than or equal to previous value'),
      );
      return errs;
    }
  } else if (isSet(prev.activeDeadlineSeconds)) {
    errs.push(
      invalid(
        spec.child('activeDeadlineSeconds'),
        null,
        'must not update from a positive integer to nil value',
      ),
    );
  }
  errs.push(...onlyAddedTolerations(next.tolerations, prev.tolerations, spec.child('tolerations')));
  const oldGates = new Set(items(prev.schedulingGates).map((g) => (isObject(g) ? g.name : g)));
  for (const g of items(next.schedulingGates)) {
    const name = isObject(g) ? g.name : g;
    if (!oldGates.has(name))
      errs.push(
        forbidden(
          spec.child('schedulingGates'),
          `only deletion is allowed, but found new scheduling gate '${name}'`,
        ),
      );
  }
  if (deepEqual(next, prev)) return errs;

  // Put the updatable fields back to their old values; anything still different is forbidden.
  const munged: Record<string, any> = { ...next };
  for (const f of ['containers', 'initContainers'])
    if (Array.isArray(next[f]))
      munged[f] = next[f].map((c: any, i: number) =>
        isObject(c) ? { ...c, image: prev[f]?.[i]?.image } : c,
      );
  munged.activeDeadlineSeconds = prev.activeDeadlineSeconds;
  munged.schedulingGates = prev.schedulingGates;
  munged.tolerations = prev.tolerations;
  if (
    typeof prev.terminationGracePeriodSeconds === 'number' &&
    prev.terminationGracePeriodSeconds < 0 &&
    munged.terminationGracePeriodSeconds === 1
  )
    munged.terminationGracePeriodSeconds = prev.terminationGracePeriodSeconds;
  if (items(prev.schedulingGates).length > 0) {
    // Gated pods may gain node selectors and affinity; upstream checks these in detail.
    munged.nodeSelector = prev.nodeSelector;
    munged.affinity = prev.affinity;
  }
  for (const k of Object.keys(munged)) if (munged[k] === undefined) delete munged[k];
  if (!deepEqual(munged, prev))
    errs.push(
      forbidden(
        spec,
        `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}\n${diffLines(prev, munged, 'spec').join('\n')}`,
      ),
    );
  return errs;
}
