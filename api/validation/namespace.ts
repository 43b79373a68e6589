// core/v1 Namespace and Node validation.
import type { FieldError } from '../resource-type.ts';
import { duplicate, forbidden, invalid, required, typeInvalid } from './errors.ts';
import { FieldPath } from './path.ts';
import { isQualifiedName, isValidCIDR, isValidLabelValue } from './names.ts';
import { isObject, isSet, items, str } from './shape.ts';
import { isBool, notList } from './common.ts';
import { validateResourceList } from './resources.ts';
import { validateTaintEffect } from './scheduling.ts';

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

export function validateNamespace(obj: any): FieldError[] {
  const path = FieldPath.root('spec', 'finalizers');
  const finalizers = obj?.spec?.finalizers;
  const errs = notList(finalizers, path);
  for (const f of items(finalizers)) {
    if (typeof f !== 'string') {
      errs.push(typeInvalid(path, f, 'must be a string'));
      continue;
    }
    for (const msg of isQualifiedName(f)) errs.push(invalid(path, f, msg));
    if (!f.includes('/') && !standardFinalizers.has(f))
      errs.push(invalid(path, f, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

function validateTaints(taints: unknown, path: FieldPath): FieldError[] {
  const errs = notList(taints, path);
  const seen = new Set<string>();
  items(taints).forEach((t, i) => {
    const p = path.index(i);
    if (!isObject(t)) return void errs.push(typeInvalid(p, t, 'must be an object'));
    for (const msg of isQualifiedName(str(t.key))) errs.push(invalid(p.child('key'), t.key ?? '', msg));
    if (isSet(t.value))
      for (const msg of isValidLabelValue(str(t.value))) errs.push(invalid(p.child('value'), t.value, msg));
    errs.push(...validateTaintEffect(t.effect, false, p.child('effect')));
    const key = `${t.key}:${t.effect}`;
    if (seen.has(key))
      errs.push({ ...duplicate(p, t), detail: 'taints must be unique by key and effect pair' });
    seen.add(key);
  });
  return errs;
}

export function validateNode(obj: any, old?: any): FieldError[] {
  const spec = isObject(obj?.spec) ? obj.spec : {};
  const specPath = FieldPath.root('spec');
  const errs = [
    ...validateTaints(spec.taints, specPath.child('taints')),
    ...isBool(spec.unschedulable, specPath.child('unschedulable')),
  ];
  const cidrs = items(spec.podCIDRs);
  if (cidrs.length > 2)
    errs.push(
      invalid(specPath.child('podCIDRs'), cidrs, 'may specify no more than one CIDR for each IP family'),
    );
  cidrs.forEach((c, i) => {
    for (const msg of isValidCIDR(str(c))) errs.push(invalid(specPath.child('podCIDRs').index(i), c, msg));
  });
  if (spec.podCIDR && cidrs.length > 0 && cidrs[0] !== spec.podCIDR)
    errs.push(invalid(specPath.child('podCIDRs'), cidrs, 'first value must match `podCIDR`'));
  const status = isObject(obj?.status) ? obj.status : {};
  errs.push(...validateResourceList(status.capacity, FieldPath.root('status', 'capacity')));
  errs.push(...validateResourceList(status.allocatable, FieldPath.root('status', 'allocatable')));
  if (old !== undefined && isObject(old?.spec)) {
    const o = old.spec;
    const oldCIDRs = items(o.podCIDRs);
    if (oldCIDRs.length > 0 && JSON.stringify(oldCIDRs) !== JSON.stringify(cidrs))
      errs.push(
        forbidden(specPath.child('podCIDRs'), 'node updates may not change podCIDR except from "" to valid'),
      );
    if (o.providerID && o.providerID !== spec.providerID)
      errs.push(
        forbidden(
          specPath.child('providerID'),
          'node updates may not change providerID except from "" to valid',
        ),
      );
  }
  if (!isObject(obj?.spec) && isSet(obj?.spec)) errs.push(required(specPath, ''));
  return errs;
}
