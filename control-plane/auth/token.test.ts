import { describe, expect, it } from 'vitest';
import { digestsEqual, generateToken, parseBearerToken, sha256Hex } from './token.ts';

describe('generateToken', () => {
  it('makes long, URL-safe, distinct tokens', () => {
    const tokens = new Set(Array.from({ length: 100 }, generateToken));
    expect(tokens.size).toBe(100);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('parseBearerToken', () => {
  it('reads the token of a Bearer authorization header, whatever the scheme case', () => {
    expect(parseBearerToken('Bearer abc.def')).toBe('abc.def');
    expect(parseBearerToken('  bearer abc ')).toBe('abc');
    expect(parseBearerToken('BEARER abc')).toBe('abc');
  });

  it('ignores other schemes and empty tokens', () => {
    expect(parseBearerToken(undefined)).toBeUndefined();
    expect(parseBearerToken('Basic YWRtaW46YWRtaW4=')).toBeUndefined();
    expect(parseBearerToken('Bearer')).toBeUndefined();
    expect(parseBearerToken('Bearer  abc')).toBeUndefined();
  });
});

describe('digestsEqual', () => {
  it('compares digests', () => {
    expect(digestsEqual(sha256Hex('a'), sha256Hex('a'))).toBe(true);
    expect(digestsEqual(sha256Hex('a'), sha256Hex('b'))).toBe(false);
    expect(digestsEqual(sha256Hex('a'), '')).toBe(false);
    expect(digestsEqual('', '')).toBe(false);
  });
});
