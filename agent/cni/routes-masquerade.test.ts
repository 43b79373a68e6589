import { describe, expect, it } from 'vitest';
import { hasReturnRule } from './routes-masquerade.ts';

describe('pod-to-pod RETURN rule detection', () => {
  const rules = [
    '-P POSTROUTING ACCEPT',
    '-A POSTROUTING -s 10.244.1.0/24 -d 10.244.0.0/16 -m comment --comment "flotilla: pod-to-pod without NAT" -j RETURN',
    '-A POSTROUTING -s 10.244.1.2/32 -m comment --comment "name: x" -j CNI-abc',
  ].join('\n');

  it("finds the provider's (or our) rule for this podCIDR and clusterCIDR", () => {
    expect(hasReturnRule(rules, '10.244.1.0/24', '10.244.0.0/16')).toBe(true);
  });

  it('does not take another podCIDR or a non-RETURN rule for it', () => {
    expect(hasReturnRule(rules, '10.244.2.0/24', '10.244.0.0/16')).toBe(false);
    expect(
      hasReturnRule(
        '-A POSTROUTING -s 10.244.1.0/24 -d 10.244.0.0/16 -j MASQUERADE',
        '10.244.1.0/24',
        '10.244.0.0/16',
      ),
    ).toBe(false);
  });
});
