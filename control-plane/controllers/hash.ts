// Stable short hashes of pod templates (upstream ComputeHash + rand.SafeEncodeString): FNV-1a
// over a canonical JSON form, plus the collision count, printed in decimal and encoded with the
// alphabet upstream uses so names read like `web-7d4b9c8f6d` (no vowels, no look-alikes).

const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** 32-bit FNV-1a over the UTF-8 bytes of `text`. */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(v as object)
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** Upstream rand.SafeEncodeString: each character mapped into the safe alphabet. */
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += safeAlphabet[s.charCodeAt(i) % safeAlphabet.length];
  return out;
}

/** The pod-template-hash / controller-revision-hash of a template (at most 10 characters). */
export function computeHash(template: unknown, collisionCount?: number): string {
  let text = canonicalJson(template);
  if (collisionCount) text += `#${collisionCount}`;
  return safeEncode(String(fnv32a(text)));
}
