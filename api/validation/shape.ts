// Safe access to decoded JSON whose shape is not yet trusted. Validation walks objects that came
// straight off the wire, so every list and map is read through these instead of assuming types.

export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The array, or [] when absent or not an array. */
export function items<T = any>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

/** The map's entries, or [] when absent or not an object. */
export function entries<T = any>(v: unknown): [string, T][] {
  return isObject(v) ? (Object.entries(v) as [string, T][]) : [];
}

/** The string, or '' when absent or not a string. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** Present (not undefined/null). */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}
