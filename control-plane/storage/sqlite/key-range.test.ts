import { describe, expect, it } from 'vitest';
import { prefixEnd, prefixRange } from './key-range.ts';

describe('prefixRange', () => {
  it('covers exactly the keys that start with the prefix', () => {
    const { from, to } = prefixRange('/registry/pods/');
    const inRange = (key: string) => key >= from && key < to;
    expect(inRange('/registry/pods/')).toBe(true);
    expect(inRange('/registry/pods/default/web')).toBe(true);
    expect(inRange('/registry/pods/\u{10ffff}')).toBe(true);
    expect(inRange('/registry/pods')).toBe(false);
    expect(inRange('/registry/pods0')).toBe(false);
    expect(inRange('/registry/podsecuritypolicies/x')).toBe(false);
  });

  it('starts at startKey when it lies inside the range', () => {
    expect(prefixRange('/a/', '/a/m').from).toBe('/a/m');
    expect(prefixRange('/a/', '/').from).toBe('/a/');
  });

  it('handles the empty prefix and code points at the edges', () => {
    expect(prefixEnd('')).toBe('\u{10ffff}');
    expect(prefixEnd('a\u{10ffff}')).toBe('b');
    expect(prefixEnd('\ud7ff')).toBe('\ue000');
    expect(prefixEnd('x\u{1f600}')).toBe('x\u{1f601}');
  });
});
