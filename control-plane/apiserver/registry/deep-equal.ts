// Structural equality of JSON values; used to detect no-op updates and spec changes
// (generation) without caring about key order.
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let na = 0;
  for (const k in ao) {
    if (ao[k] === undefined) continue;
    na++;
    if (!deepEqual(ao[k], bo[k])) return false;
  }
  let nb = 0;
  for (const k in bo) if (bo[k] !== undefined) nb++;
  return na === nb;
}

/** Equal apart from the listed top-level fields. */
export function equalExcept(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  skip: readonly string[],
): boolean {
  for (const k in a) if (!skip.includes(k) && !deepEqual(a[k], b[k])) return false;
  for (const k in b) if (!skip.includes(k) && !(k in a) && b[k] !== undefined) return false;
  return true;
}
