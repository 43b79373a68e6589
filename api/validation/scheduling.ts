// Scheduling constraints of a pod: tolerations, affinity, topology spread (upstream core validation).
import type { FieldError } from '../resource-type.ts';
import { duplicate, invalid, notSupported, required, typeInvalid } from './errors.ts';
import type { FieldPath } from './path.ts';
import { isValidLabelValue } from './names.ts';
import { isObject, isSet, items, str } from './shape.ts';
import { dns1123Label, notList, qualifiedName } from './common.ts';
import { validateLabelSelector, validateNodeSelector, validateNodeSelectorTerm } from './selectors.ts';

export const taintEffects = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];

export function validateTaintEffect(effect: unknown, allowEmpty: boolean, path: FieldPath): FieldError[] {
  if (!isSet(effect) || effect === '') return allowEmpty ? [] : [required(path, '')];
  return taintEffects.includes(effect as string) ? [] : [notSupported(path, effect, taintEffects)];
}

export function validateTolerations(tolerations: unknown, path: FieldPath): FieldError[] {
  const errs = notList(tolerations, path);
  items(tolerations).forEach((t, i) => {
    const p = path.index(i);
    if (!isObject(t)) return void errs.push(typeInvalid(p, t, 'must be an object'));
    if (t.key) errs.push(...qualifiedName(t.key, p.child('key')));
    if (!t.key && t.operator !== 'Exists')
      errs.push(
        invalid(
          p.child('operator'),
          t.operator ?? '',
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    if (isSet(t.tolerationSeconds) && t.effect !== 'NoExecute')
      errs.push(
        invalid(
          p.child('effect'),
          t.effect ?? '',
          "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ),
      );
    switch (t.operator ?? '') {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(str(t.value));
        if (msgs.length) errs.push(invalid(p.child('operator'), t.value, msgs.join(';')));
        break;
      }
      case 'Exists':
        if (t.value)
          errs.push(invalid(p.child('operator'), t, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(p.child('operator'), t.operator, ['Equal', 'Exists']));
    }
    if (t.effect) errs.push(...validateTaintEffect(t.effect, true, p.child('effect')));
  });
  return errs;
}

function weight(v: unknown, path: FieldPath): FieldError[] {
  return typeof v === 'number' && v >= 1 && v <= 100
    ? []
    : [invalid(path, v ?? 0, 'must be in the range 1-100')];
}

function podAffinityTerm(term: unknown, path: FieldPath): FieldError[] {
  if (!isObject(term)) return [typeInvalid(path, term, 'must be an object')];
  const errs = [...validateLabelSelector(term.labelSelector, path.child('labelSelector'))];
  errs.push(...validateLabelSelector(term.namespaceSelector, path.child('namespaceSelector')));
  items(term.namespaces).forEach((ns) => errs.push(...dns1123Label(ns, path.child('namespace'))));
  if (!term.topologyKey) errs.push(required(path.child('topologyKey'), 'can not be empty'));
  else errs.push(...qualifiedName(term.topologyKey, path.child('topologyKey')));
  return errs;
}

function podAffinity(a: unknown, path: FieldPath): FieldError[] {
  if (!isSet(a)) return [];
  if (!isObject(a)) return [typeInvalid(path, a, 'must be an object')];
  const errs: FieldError[] = [];
  const req = path.child('requiredDuringSchedulingIgnoredDuringExecution');
  items(a.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) =>
    errs.push(...podAffinityTerm(t, req.index(i))),
  );
  const pref = path.child('preferredDuringSchedulingIgnoredDuringExecution');
  items(a.preferredDuringSchedulingIgnoredDuringExecution).forEach((w, i) => {
    if (!isObject(w)) return void errs.push(typeInvalid(pref.index(i), w, 'must be an object'));
    errs.push(...weight(w.weight, pref.index(i).child('weight')));
    errs.push(...podAffinityTerm(w.podAffinityTerm, pref.index(i).child('podAffinityTerm')));
  });
  return errs;
}

export function validateAffinity(affinity: unknown, path: FieldPath): FieldError[] {
  if (!isSet(affinity)) return [];
  if (!isObject(affinity)) return [typeInvalid(path, affinity, 'must be an object')];
  const errs: FieldError[] = [];
  const na = affinity.nodeAffinity;
  if (isObject(na)) {
    const np = path.child('nodeAffinity');
    if (isSet(na.requiredDuringSchedulingIgnoredDuringExecution))
      errs.push(
        ...validateNodeSelector(
          na.requiredDuringSchedulingIgnoredDuringExecution,
          np.child('requiredDuringSchedulingIgnoredDuringExecution'),
        ),
      );
    const pref = np.child('preferredDuringSchedulingIgnoredDuringExecution');
    items(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      if (!isObject(t)) return void errs.push(typeInvalid(pref.index(i), t, 'must be an object'));
      errs.push(...weight(t.weight, pref.index(i).child('weight')));
      errs.push(...validateNodeSelectorTerm(t.preference, pref.index(i).child('preference')));
    });
  }
  errs.push(...podAffinity(affinity.podAffinity, path.child('podAffinity')));
  errs.push(...podAffinity(affinity.podAntiAffinity, path.child('podAntiAffinity')));
  return errs;
}

export function validateTopologySpreadConstraints(constraints: unknown, path: FieldPath): FieldError[] {
  const errs = notList(constraints, path);
  const seen = new Set<string>();
  items(constraints).forEach((c, i) => {
    const p = path.index(i);
    if (!isObject(c)) return void errs.push(typeInvalid(p, c, 'must be an object'));
    if (!(typeof c.maxSkew === 'number' && c.maxSkew > 0))
      errs.push(invalid(p.child('maxSkew'), c.maxSkew ?? 0, 'must be greater than zero'));
    if (!c.topologyKey) errs.push(required(p.child('topologyKey'), 'can not be empty'));
    else errs.push(...qualifiedName(c.topologyKey, p.child('topologyKey')));
    const when = c.whenUnsatisfiable;
    if (when !== 'DoNotSchedule' && when !== 'ScheduleAnyway')
      errs.push(notSupported(p.child('whenUnsatisfiable'), when ?? '', ['DoNotSchedule', 'ScheduleAnyway']));
    const key = `{${str(c.topologyKey)}, ${str(when)}}`;
    if (seen.has(key)) errs.push(duplicate(p.child('{topologyKey, whenUnsatisfiable}'), key));
    seen.add(key);
    if (isSet(c.minDomains)) {
      if (!(typeof c.minDomains === 'number' && c.minDomains > 0))
        errs.push(invalid(p.child('minDomains'), c.minDomains, 'must be greater than 0'));
      else if (when !== 'DoNotSchedule')
        errs.push(
          invalid(
            p.child('minDomains'),
            c.minDomains,
            'can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway',
          ),
        );
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy'])
      if (isSet(c[f]) && c[f] !== 'Honor' && c[f] !== 'Ignore')
        errs.push(notSupported(p.child(f), c[f], ['Honor', 'Ignore']));
    errs.push(...validateLabelSelector(c.labelSelector, p.child('labelSelector')));
  });
  return errs;
}
