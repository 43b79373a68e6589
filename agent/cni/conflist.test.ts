import { describe, expect, it } from 'vitest';
import { podNetworkConflist, renderConflist } from './conflist.ts';

describe('pod network conflist', () => {
  it('bridges pods on cni0 with addresses from the node podCIDR, masqueraded, with hostPort support', () => {
    const conf = podNetworkConflist({ podCIDR: '10.244.3.0/24', ipamDataDir: '/var/lib/flotilla/ipam' });
    expect(conf.plugins.map((p) => p.type)).toEqual(['bridge', 'portmap']);
    expect(conf.plugins[0]).toMatchObject({
      bridge: 'cni0',
      isGateway: true,
      ipMasq: true,
      ipam: {
        type: 'host-local',
        ranges: [[{ subnet: '10.244.3.0/24' }]],
        routes: [{ dst: '0.0.0.0/0' }],
        dataDir: '/var/lib/flotilla/ipam',
      },
    });
    expect(conf.plugins[1]).toMatchObject({ capabilities: { portMappings: true } });
  });

  it('renders JSON a CNI runtime can read', () => {
    expect(JSON.parse(renderConflist({ podCIDR: '10.244.3.0/24' }))).toMatchObject({
      cniVersion: '1.0.0',
      name: 'flotilla',
    });
  });
});
