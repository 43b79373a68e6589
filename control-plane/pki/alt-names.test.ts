import { describe, expect, it } from 'vitest';
import { altNamesFrom, canonicalIp, missingAltNames } from './alt-names.ts';

describe('canonicalIp', () => {
  it('writes equal addresses the same way', () => {
    expect(canonicalIp('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(canonicalIp('[::1]')).toBe('::1');
    expect(canonicalIp('FD00:0:0::0A')).toBe('fd00::a');
    expect(canonicalIp('10.96.0.1')).toBe('10.96.0.1');
  });

  it('rejects names that are not addresses', () => {
    expect(() => canonicalIp('localhost')).toThrow(/not an IP address/);
  });
});

describe('altNamesFrom', () => {
  it('sorts a mixed list into DNS names and IPs without duplicates', () => {
    expect(
      altNamesFrom(['localhost', '127.0.0.1', '::1', 'Node-1.Local', '10.96.0.1', 'localhost', '']),
    ).toEqual({
      dnsNames: ['localhost', 'node-1.local'],
      ips: ['127.0.0.1', '::1', '10.96.0.1'],
    });
  });

  it('merges several lists', () => {
    expect(altNamesFrom({ dnsNames: ['a'], ips: ['::0:1'] }, ['b', '::1'], undefined)).toEqual({
      dnsNames: ['a', 'b'],
      ips: ['::1'],
    });
  });
});

describe('missingAltNames', () => {
  it('lists wanted names the certificate lacks, however they are written', () => {
    const have = { dnsNames: ['localhost'], ips: ['127.0.0.1', '0:0:0:0:0:0:0:1'] };
    expect(missingAltNames(have, altNamesFrom(['localhost', '::1']))).toEqual([]);
    expect(missingAltNames(have, altNamesFrom(['kubernetes', '10.96.0.1', '127.0.0.1']))).toEqual([
      'DNS:kubernetes',
      'IP:10.96.0.1',
    ]);
  });
});
