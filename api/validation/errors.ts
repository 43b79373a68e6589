// FieldError constructors named after upstream's field.Required/Invalid/NotSupported/...; the
// API server renders them (control-plane/apiserver/status.ts) exactly like upstream does.
import type { FieldError } from '../resource-type.ts';
import type { FieldPath } from './path.ts';

type P = FieldPath | string;
const f = (p: P) => p.toString();

export const required = (path: P, detail = ''): FieldError => ({
  type: 'FieldValueRequired',
  field: f(path),
  ...(detail ? { detail } : {}),
});

export const invalid = (path: P, badValue: unknown, detail = ''): FieldError => ({
  type: 'FieldValueInvalid',
  field: f(path),
  badValue: badValue === undefined ? null : badValue,
  ...(detail ? { detail } : {}),
});

/** `Unsupported value: "x": supported values: "a", "b"`. */
export const notSupported = (path: P, badValue: unknown, valid: readonly string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field: f(path),
  badValue: badValue === undefined ? null : badValue,
  ...(valid.length ? { detail: `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` } : {}),
});

export const duplicate = (path: P, badValue: unknown): FieldError => ({
  type: 'FieldValueDuplicate',
  field: f(path),
  badValue,
});

export const forbidden = (path: P, detail: string): FieldError => ({
  type: 'FieldValueForbidden',
  field: f(path),
  detail,
});

export const notFound = (path: P, badValue: unknown): FieldError => ({
  type: 'FieldValueNotFound',
  field: f(path),
  badValue,
});

export const tooLong = (path: P, maxLength: number): FieldError => ({
  type: 'FieldValueTooLong',
  field: f(path),
  detail: `must have at most ${maxLength} bytes`,
});

export const tooMany = (path: P, actual: number, max: number): FieldError => ({
  type: 'FieldValueTooMany',
  field: f(path),
  badValue: actual,
  detail: `must have at most ${max} items`,
});

/** The value has the wrong JSON type (where upstream's typed decoder would have refused it). */
export const typeInvalid = (path: P, badValue: unknown, detail: string): FieldError => ({
  type: 'FieldValueTypeInvalid',
  field: f(path),
  badValue,
  detail,
});

/** Upstream ValidateImmutableField: `field is immutable` when the value changed. */
export function immutable(path: P, next: unknown, prev: unknown): FieldError[] {
  return deepEqual(next, prev) ? [] : [invalid(path, next, 'field is immutable')];
}

/** Structural equality of JSON values; absent, null and empty containers differ like upstream's semantic DeepEqual treats nil vs empty as equal. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmptyish(a) && isEmptyish(b)) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}

function isEmptyish(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return false;
}
