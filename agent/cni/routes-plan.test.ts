import { describe, expect, it } from 'vitest';
import type { Node } from '../../api/types/node.ts';
import { networkAddress, planRoutes, VTEP_MAC_ANNOTATION } from './routes-plan.ts';

const node = (name: string, ip: string, podCIDR?: string, mac?: string): Node => ({
  metadata: { name, annotations: mac ? { [VTEP_MAC_ANNOTATION]: mac } : {} },
  spec: { podCIDR },
  status: { addresses: [{ type: 'InternalIP', address: ip }] },
});

const nodes = [
  node('self', '10.0.0.2', '10.244.1.0/24', 'aa:aa:aa:aa:aa:01'),
  node('near', '10.0.0.3', '10.244.2.0/24', 'aa:aa:aa:aa:aa:02'),
  node('far', '192.168.9.4', '10.244.3.0/24', 'aa:aa:aa:aa:aa:03'),
  node('no-mac-yet', '192.168.9.5', '10.244.4.0/24'),
  node('no-cidr-yet', '10.0.0.6'),
];
const onLink = (ip: string) => ip.startsWith('10.0.0.');

describe('pod route plan', () => {
  it('host-gw: direct routes to nodes on our link, VXLAN to the others that published a VTEP', () => {
    expect(planRoutes('self', nodes, 'host-gw', onLink)).toEqual({
      direct: [{ podCIDR: '10.244.2.0/24', via: '10.0.0.3' }],
      vxlan: [
        {
          podCIDR: '10.244.3.0/24',
          nodeIP: '192.168.9.4',
          vtepMac: 'aa:aa:aa:aa:aa:03',
          vtepIP: '10.244.3.0',
        },
      ],
    });
  });

  it('vxlan: every other node through the VXLAN device', () => {
    const plan = planRoutes('self', nodes, 'vxlan', onLink);
    expect(plan.direct).toEqual([]);
    expect(plan.vxlan.map((p) => p.podCIDR)).toEqual(['10.244.2.0/24', '10.244.3.0/24']);
  });

  it('leaves out nodes being deleted', () => {
    const leaving = {
      ...nodes[1]!,
      metadata: { ...nodes[1]!.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' },
    };
    expect(planRoutes('self', [nodes[0]!, leaving], 'host-gw', onLink).direct).toEqual([]);
  });

  it('computes network addresses', () => {
    expect(networkAddress('10.244.3.0/24')).toBe('10.244.3.0');
    expect(networkAddress('10.244.3.77/26')).toBe('10.244.3.64');
  });
});
