// Small checks most kinds share, each returning upstream's FieldErrors.
import type { FieldError } from '../resource-type.ts';
import { invalid, notSupported, required, typeInvalid } from './errors.ts';
import type { FieldPath } from './path.ts';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidPortName,
  isValidPortNum,
} from './names.ts';
import { isSet } from './shape.ts';

export const isNegativeErrorMsg = 'must be greater than or equal to 0';
export const isNotPositiveErrorMsg = 'must be greater than zero';
export const isNotIntegerErrorMsg = 'must be an integer';

/** A present value that is not an integer (upstream's typed decoder would refuse it). */
export function notInteger(v: unknown, path: FieldPath): FieldError[] {
  return isSet(v) && !(typeof v === 'number' && Number.isInteger(v))
    ? [typeInvalid(path, v, 'must be an integer')]
    : [];
}

/** Upstream ValidateNonnegativeField. */
export function nonNegative(v: unknown, path: FieldPath): FieldError[] {
  if (!isSet(v)) return [];
  const t = notInteger(v, path);
  if (t.length) return t;
  return (v as number) < 0 ? [invalid(path, v, isNegativeErrorMsg)] : [];
}

/** A value that must be > 0 (`must be greater than zero`). */
export function positive(v: unknown, path: FieldPath): FieldError[] {
  if (!isSet(v)) return [];
  const t = notInteger(v, path);
  if (t.length) return t;
  return (v as number) <= 0 ? [invalid(path, v, isNotPositiveErrorMsg)] : [];
}

export function isBool(v: unknown, path: FieldPath): FieldError[] {
  return isSet(v) && typeof v !== 'boolean' ? [typeInvalid(path, v, 'must be a boolean')] : [];
}

/** A present value that is not a string. */
export function notString(v: unknown, path: FieldPath): FieldError[] {
  return isSet(v) && typeof v !== 'string' ? [typeInvalid(path, v, 'must be a string')] : [];
}

/** An enum: empty is Required (when `requiredWhenEmpty`), unknown is NotSupported. */
export function oneOf(
  v: unknown,
  path: FieldPath,
  valid: readonly string[],
  requiredWhenEmpty = true,
): FieldError[] {
  if (!isSet(v) || v === '') return requiredWhenEmpty ? [required(path, '')] : [];
  return typeof v === 'string' && valid.includes(v) ? [] : [notSupported(path, v, valid)];
}

export function dns1123Label(v: unknown, path: FieldPath): FieldError[] {
  if (typeof v !== 'string') return notString(v, path);
  return isDNS1123Label(v).map((msg) => invalid(path, v, msg));
}

export function dns1123Subdomain(v: unknown, path: FieldPath): FieldError[] {
  if (typeof v !== 'string') return notString(v, path);
  return isDNS1123Subdomain(v).map((msg) => invalid(path, v, msg));
}

/** Upstream ValidateQualifiedName. */
export function qualifiedName(v: unknown, path: FieldPath): FieldError[] {
  if (typeof v !== 'string') return notString(v, path);
  return isQualifiedName(v).map((msg) => invalid(path, v, msg));
}

/** Upstream ValidatePortNumOrName: an IntOrString port. */
export function portNumOrName(v: unknown, path: FieldPath): FieldError[] {
  if (typeof v === 'number') return isValidPortNum(v).map((msg) => invalid(path, v, msg));
  if (typeof v === 'string') return isValidPortName(v).map((msg) => invalid(path, v, msg));
  if (!isSet(v)) return isValidPortNum(0).map((msg) => invalid(path, 0, msg));
  return [typeInvalid(path, v, 'must be an integer or a string')];
}

/** A required port number. */
export function portNum(v: unknown, path: FieldPath): FieldError[] {
  if (typeof v !== 'number')
    return isSet(v) ? [typeInvalid(path, v, 'must be an integer')] : [required(path, '')];
  return isValidPortNum(v).map((msg) => invalid(path, v, msg));
}

export const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'] as const;

/** A map whose values must be strings. */
export function stringMap(v: unknown, path: FieldPath): FieldError[] {
  if (!isSet(v)) return [];
  if (typeof v !== 'object' || Array.isArray(v)) return [typeInvalid(path, v, 'must be a map of strings')];
  const errs: FieldError[] = [];
  for (const [k, val] of Object.entries(v as object))
    if (typeof val !== 'string') errs.push(typeInvalid(path.key(k), val, 'must be a string'));
  return errs;
}

/** A present value that is not a list. */
export function notList(v: unknown, path: FieldPath): FieldError[] {
  return isSet(v) && !Array.isArray(v) ? [typeInvalid(path, v, 'must be a list')] : [];
}

/** A present value that is not an object. */
export function notObject(v: unknown, path: FieldPath): FieldError[] {
  return isSet(v) && (typeof v !== 'object' || Array.isArray(v))
    ? [typeInvalid(path, v, 'must be an object')]
    : [];
}
