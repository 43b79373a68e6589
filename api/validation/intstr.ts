// IntOrString fields of rollout strategies (upstream apps validation helpers).
import type { FieldError } from '../resource-type.ts';
import { invalid, typeInvalid } from './errors.ts';
import type { FieldPath } from './path.ts';
import { isValidPercent } from './names.ts';
import { isSet } from './shape.ts';
import { nonNegative } from './common.ts';

/** Upstream ValidatePositiveIntOrPercent: a non-negative integer or a `N%` string. */
export function validatePositiveIntOrPercent(v: unknown, path: FieldPath): FieldError[] {
  if (!isSet(v)) return [];
  if (typeof v === 'string') return isValidPercent(v).map((msg) => invalid(path, v, msg));
  if (typeof v === 'number') return nonNegative(v, path);
  return [typeInvalid(path, v, 'must be an integer or a percentage string')];
}

/** The number in an int or percent (0 for anything unparseable), like upstream getIntOrPercentValue. */
export function intOrPercentNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = parseInt(v.replace(/%$/, ''), 10);
    return Number.isNaN(n) ? 0 : n;
  }
  return 0;
}

export function notMoreThan100Percent(v: unknown, path: FieldPath): FieldError[] {
  if (typeof v !== 'string' || !v.endsWith('%')) return [];
  return intOrPercentNumber(v) > 100 ? [invalid(path, v, 'must not be greater than 100%')] : [];
}
