// A prefix as a key range [from, to) so SQLite can walk the (name, id) index. SQLite compares
// TEXT as UTF-8 bytes, which orders like code points, so "prefix with its last code point + 1"
// is the first string past every key with the prefix.

/** Above every key we store (U+10FFFF is the largest code point). */
const TOP = '\u{10ffff}';

export interface KeyRange {
  from: string;
  to: string;
}

export function prefixRange(prefix: string, startKey?: string): KeyRange {
  const from = startKey !== undefined && startKey > prefix ? startKey : prefix;
  return { from, to: prefixEnd(prefix) };
}

export function prefixEnd(prefix: string): string {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // Skip the surrogate block: those code points can not appear in well-formed strings.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return TOP;
}
