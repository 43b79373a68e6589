import { describe, expect, it } from 'vitest';
import { endpointChain, isServiceChain, servicePortChains } from './chain-names.ts';

describe('chain names', () => {
  it('are the ones upstream kube-proxy gives the same service port and endpoint', () => {
    // Values from upstream's pkg/proxy/iptables/proxier_test.go.
    expect(servicePortChains('ns1/svc1:p80', 'tcp')).toEqual({
      cluster: 'KUBE-SVC-XPGD46QRK7WJZT7O',
      local: 'KUBE-SVL-XPGD46QRK7WJZT7O',
      external: 'KUBE-EXT-XPGD46QRK7WJZT7O',
      firewall: 'KUBE-FW-XPGD46QRK7WJZT7O',
    });
    expect(endpointChain('ns1/svc1:p80', 'tcp', '10.180.0.1:80')).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ');
  });

  it('tell our per-service chains from everything else', () => {
    expect(isServiceChain('KUBE-SEP-SXIVWICOYRO3J4NJ')).toBe(true);
    expect(isServiceChain('KUBE-SERVICES')).toBe(false);
    expect(isServiceChain('KUBE-SVC-custom')).toBe(false);
    expect(isServiceChain('CILIUM-SVC-XPGD46QRK7WJZT7O')).toBe(false);
  });
});
