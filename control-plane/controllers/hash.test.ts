import { describe, expect, it } from 'vitest';
import { canonicalJson, computeHash, fnv32a, safeEncode } from './hash.ts';

describe('template hashing', () => {
  it('is FNV-1a 32', () => {
    expect(fnv32a('')).toBe(0x811c9dc5);
    expect(fnv32a('a')).toBe(0xe40c292c);
    expect(fnv32a('foobar')).toBe(0xbf9cf968);
  });

  it('ignores key order and undefined fields', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: undefined, z: null }] })).toBe(
      '{"a":[{"y":2,"z":null}],"b":1}',
    );
    expect(computeHash({ a: 1, b: 2 })).toBe(computeHash({ b: 2, a: 1 }));
  });

  it('gives short names in the safe alphabet that change with the template and the collision count', () => {
    const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const h = computeHash(t);
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(computeHash(t, 0)).toBe(h);
    expect(computeHash(t, 1)).not.toBe(h);
    expect(computeHash({ ...t, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } })).not.toBe(h);
    expect(safeEncode('0123456789')).toBe('456789bcdf');
  });
});
