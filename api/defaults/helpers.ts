// Defaulting works on decoded JSON whose shape is not yet validated: these helpers only fill
// what is missing and never throw on a wrong type (validation reports that afterwards).
import { numberToQuantityString, parseQuantity } from '../quantity.ts';

export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `parent[key]` as an object, created when absent; undefined when it holds something else. */
export function child(parent: Record<string, any>, key: string): Record<string, any> | undefined {
  if (parent[key] === undefined || parent[key] === null) parent[key] = {};
  return isObject(parent[key]) ? parent[key] : undefined;
}

/** Set `obj[key]` when it is absent (undefined or null), like a nil pointer default. */
export function setDefault(obj: Record<string, any>, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

/** Set `obj[key]` when it is absent or the empty string, like a string-typed default. */
export function setDefaultString(obj: Record<string, any>, key: string, value: string): void {
  if (obj[key] === undefined || obj[key] === null || obj[key] === '') obj[key] = value;
}

/** Every object element of an array field. */
export function eachObject(v: unknown, fn: (o: Record<string, any>) => void): void {
  if (Array.isArray(v)) for (const x of v) if (isObject(x)) fn(x);
}

/**
 * Quantities in their canonical form, rounded up to milli-units like upstream's
 * SetDefaults_ResourceList (`0.5` -> `500m`, `1024Mi` -> `1Gi`). Invalid ones are left for
 * validation to report.
 */
export function canonicalizeResourceList(list: unknown): void {
  if (!isObject(list)) return;
  for (const [k, v] of Object.entries(list)) {
    const text = typeof v === 'number' ? numberToQuantityString(v) : v;
    if (typeof text !== 'string') continue;
    try {
      list[k] = parseQuantity(text).roundUp(-3).toString();
    } catch {
      // left as is: validation reports it
    }
  }
}

/** One quantity field, canonicalized in place when valid. */
export function canonicalizeQuantityField(obj: unknown, key: string): void {
  if (!isObject(obj) || obj[key] === undefined || obj[key] === null) return;
  const holder = { [key]: obj[key] };
  canonicalizeResourceList(holder);
  obj[key] = holder[key];
}
