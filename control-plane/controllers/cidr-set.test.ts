import { describe, expect, it } from 'vitest';
import { CidrSet, parseIpv4Cidr } from './cidr-set.ts';

describe('CidrSet', () => {
  it('hands out /24s of the cluster CIDR in order, skipping taken ones', () => {
    const set = new CidrSet('10.244.0.0/16', 24);
    expect(set.capacity).toBe(256);
    expect(set.occupy('10.244.1.0/24')).toBe(true);
    expect([set.allocateNext(), set.allocateNext(), set.allocateNext()]).toEqual([
      '10.244.0.0/24',
      '10.244.2.0/24',
      '10.244.3.0/24',
    ]);
  });

  it('reuses released subnets only after going round, and reports when full', () => {
    const set = new CidrSet('10.0.0.0/29', 30);
    expect(set.allocateNext()).toBe('10.0.0.0/30');
    expect(set.allocateNext()).toBe('10.0.0.4/30');
    expect(set.allocateNext()).toBeUndefined();
    set.release('10.0.0.0/30');
    expect(set.free).toBe(1);
    expect(set.allocateNext()).toBe('10.0.0.0/30');
  });

  it('refuses subnets outside the range or of another size, and bad configs', () => {
    const set = new CidrSet('10.244.0.0/16', 24);
    expect(set.occupy('10.245.0.0/24')).toBe(false);
    expect(set.occupy('10.244.0.0/25')).toBe(false);
    expect(() => new CidrSet('nope', 24)).toThrow(/invalid cluster CIDR "nope"/);
    expect(() => new CidrSet('10.0.0.0/24', 16)).toThrow(/does not fit/);
    expect(parseIpv4Cidr('10.244.3.7/24')).toEqual({
      base: (10 * 2 ** 24 + 244 * 2 ** 16 + 3 * 256) >>> 0,
      bits: 24,
    });
  });
});
