import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsIp, intToIp, ipToInt, nthAddress, overlaps, parseCidr } from './subnet.ts';

describe('IPv4 subnets', () => {
  it('number hosts from the network address', () => {
    expect(nthAddress('10.240.7.0/24', 1)).toBe('10.240.7.1');
    expect(nthAddress('10.240.7.0/24', 254)).toBe('10.240.7.254');
    expect(() => nthAddress('10.240.7.0/24', 255)).toThrow(/outside/);
  });

  it('tell whether an IP is inside a CIDR', () => {
    expect(containsIp('10.244.1.0/24', '10.244.1.7')).toBe(true);
    expect(containsIp('10.244.1.0/24', '10.244.2.7')).toBe(false);
    expect(containsIp('10.244.0.0/16', '10.244.200.1')).toBe(true);
  });

  it('detect overlapping networks', () => {
    expect(overlaps('10.240.0.0/16', '10.240.7.0/24')).toBe(true);
    expect(overlaps('10.240.7.0/24', '10.240.8.0/24')).toBe(false);
  });

  it('reject malformed CIDRs and host bits', () => {
    expect(() => parseCidr('10.0.0.1/24')).toThrow(/host bits/);
    expect(() => parseCidr('10.0.0.0')).toThrow();
    expect(() => parseCidr('300.0.0.0/8')).toThrow();
  });

  it('round-trip addresses through integers', () => {
    fc.assert(fc.property(fc.ipV4(), (ip) => intToIp(ipToInt(ip)) === ip));
  });
});
