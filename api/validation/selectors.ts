// LabelSelector (metav1 ValidateLabelSelector) and NodeSelector (core) validation.
import type { FieldError } from '../resource-type.ts';
import { forbidden, invalid, required, typeInvalid } from './errors.ts';
import type { FieldPath } from './path.ts';
import { isValidLabelValue } from './names.ts';
import { validateLabels } from './object-meta.ts';
import { isObject, isSet, items } from './shape.ts';
import { dns1123Subdomain, notList, qualifiedName } from './common.ts';

export function validateLabelSelector(sel: unknown, path: FieldPath): FieldError[] {
  if (!isSet(sel)) return [];
  if (!isObject(sel)) return [typeInvalid(path, sel, 'must be an object')];
  const errs = validateLabels(sel.matchLabels, path.child('matchLabels'));
  errs.push(...notList(sel.matchExpressions, path.child('matchExpressions')));
  items(sel.matchExpressions).forEach((expr, i) =>
    errs.push(...validateLabelSelectorRequirement(expr, path.child('matchExpressions').index(i))),
  );
  return errs;
}

export function validateLabelSelectorRequirement(r: unknown, path: FieldPath): FieldError[] {
  return validateRequirement(r, path, false);
}

/** Node selector requirements add Gt and Lt (one integer-like value) to the label operators. */
export function validateNodeSelectorRequirement(r: unknown, path: FieldPath): FieldError[] {
  return validateRequirement(r, path, true);
}

function validateRequirement(r: unknown, path: FieldPath, numericOperators: boolean): FieldError[] {
  if (!isObject(r)) return [typeInvalid(path, r, 'must be an object')];
  const errs: FieldError[] = [];
  const values = items(r.values);
  const operator = numericOperators || (r.operator !== 'Gt' && r.operator !== 'Lt') ? r.operator : undefined;
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0)
        errs.push(required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0)
        errs.push(
          forbidden(
            path.child('values'),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1)
        errs.push(
          required(path.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"),
        );
      break;
    default:
      errs.push(invalid(path.child('operator'), r.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...qualifiedName(r.key ?? '', path.child('key')));
  values.forEach((v, i) => {
    if (typeof v !== 'string') errs.push(typeInvalid(path.child('values').index(i), v, 'must be a string'));
    else for (const msg of isValidLabelValue(v)) errs.push(invalid(path.child('values').index(i), v, msg));
  });
  return errs;
}

/** matchFields only supports metadata.name with In/NotIn and one value. */
export function validateNodeFieldSelectorRequirement(r: unknown, path: FieldPath): FieldError[] {
  if (!isObject(r)) return [typeInvalid(path, r, 'must be an object')];
  const errs: FieldError[] = [];
  const values = items(r.values);
  if (r.operator === 'In' || r.operator === 'NotIn') {
    if (values.length !== 1)
      errs.push(
        required(
          path.child('values'),
          "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
        ),
      );
  } else errs.push(invalid(path.child('operator'), r.operator ?? '', 'not a valid selector operator'));
  if (r.key !== 'metadata.name')
    errs.push(invalid(path.child('key'), r.key ?? '', 'not a valid field selector key'));
  else values.forEach((v, i) => errs.push(...dns1123Subdomain(v, path.child('values').index(i))));
  return errs;
}

export function validateNodeSelectorTerm(term: unknown, path: FieldPath): FieldError[] {
  if (!isObject(term)) return [typeInvalid(path, term, 'must be an object')];
  const errs: FieldError[] = [];
  items(term.matchExpressions).forEach((r, i) =>
    errs.push(...validateNodeSelectorRequirement(r, path.child('matchExpressions').index(i))),
  );
  items(term.matchFields).forEach((r, i) =>
    errs.push(...validateNodeFieldSelectorRequirement(r, path.child('matchFields').index(i))),
  );
  return errs;
}

export function validateNodeSelector(sel: unknown, path: FieldPath): FieldError[] {
  if (!isObject(sel)) return [typeInvalid(path, sel, 'must be an object')];
  const terms = items(sel.nodeSelectorTerms);
  if (terms.length === 0)
    return [required(path.child('nodeSelectorTerms'), 'must have at least one node selector term')];
  return terms.flatMap((t, i) => validateNodeSelectorTerm(t, path.child('nodeSelectorTerms').index(i)));
}
