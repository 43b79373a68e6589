import { describe, expect, it } from 'vitest';
import { isDNS1123Label, isIPv4, isIPv6, isQualifiedName, isValidCIDR, isValidPortName } from './names.ts';

describe('name checks', () => {
  it.each([
    ['web', true],
    ['web-1', true],
    ['1abc', true],
    ['Web', false],
    ['web-', false],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
  ])('DNS-1123 label %s: %s', (v, ok) => {
    expect(isDNS1123Label(v).length === 0).toBe(ok);
  });

  it.each([
    ['app', true],
    ['example.com/app', true],
    ['app.kubernetes.io/name', true],
    ['a/b/c', false],
    ['Example.com/app', false],
    ['-app', false],
  ])('qualified name %s: %s', (v, ok) => {
    expect(isQualifiedName(v).length === 0).toBe(ok);
  });

  it('explains bad port names the way upstream does', () => {
    expect(isValidPortName('HTTP--port-name-too-long')).toEqual([
      'must be no more than 15 characters',
      'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'must not contain consecutive hyphens',
    ]);
  });

  it.each([
    ['10.0.0.1', true, false],
    ['256.0.0.1', false, false],
    ['::1', false, true],
    ['2001:db8::ffff', false, true],
    ['fe80::1:2:3:4:5:6:7', false, false],
    ['::ffff:10.0.0.1', false, true],
    ['1:2:3:4:5:6:7:8', false, true],
    ['1:2:3', false, false],
  ])('IP %s: v4 %s, v6 %s', (ip, v4, v6) => {
    expect(isIPv4(ip)).toBe(v4);
    expect(isIPv6(ip)).toBe(v6);
  });

  it('checks CIDRs', () => {
    expect(isValidCIDR('10.244.0.0/16')).toEqual([]);
    expect(isValidCIDR('fd00::/64')).toEqual([]);
    expect(isValidCIDR('10.244.0.0/33')).toHaveLength(1);
    expect(isValidCIDR('10.244.0.0')).toHaveLength(1);
  });
});
