import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from './config.ts';

describe('agent config', () => {
  it('fills defaults and keeps what was given', () => {
    const config = parseAgentConfig({ nodeName: 'n1', nodeIP: '10.0.0.2', kubeconfig: '/k.yaml' });
    expect(config).toMatchObject({
      nodeName: 'n1',
      nodeIP: '10.0.0.2',
      kubeconfig: '/k.yaml',
      podCIDR: 'node',
      containerRuntimeEndpoint: '/run/containerd/containerd.sock',
      clusterDomain: 'cluster.local',
      leaseRenewSeconds: 10,
    });
  });

  it('leaves cluster DNS and the ingress off by default, on the node IP and 53/80/443 when on', () => {
    const base = { nodeName: 'n1', nodeIP: '10.0.0.2', kubeconfig: '/k.yaml' };
    const off = parseAgentConfig(base);
    expect(off.dns).toEqual({ enabled: false, listen: '10.0.0.2:53' });
    expect(off.ingress).toEqual({ enabled: false, httpPort: 80, httpsPort: 443 });
    expect(off.clusterDNS).toEqual(['10.96.0.10']);
    const on = parseAgentConfig({
      ...base,
      dns: { enabled: true, listen: '10.0.0.2:5353' },
      ingress: { enabled: true, httpPort: 8080 },
      clusterDNS: [],
    });
    expect(on.dns).toEqual({ enabled: true, listen: '10.0.0.2:5353' });
    expect(on.ingress).toEqual({ enabled: true, httpPort: 8080, httpsPort: 443 });
    expect(on.clusterDNS).toEqual([]);
  });

  it('leaves kube-proxy off unless proxy.mode is iptables or nftables', () => {
    const base = { nodeName: 'n1', nodeIP: '10.0.0.2', kubeconfig: '/k.yaml' };
    expect(parseAgentConfig(base).proxy).toEqual({
      mode: 'none',
      clusterCIDR: '10.244.0.0/16',
      serviceCIDR: '10.96.0.0/12',
      deprecations: [],
      nodePortAddresses: [],
    });
    expect(
      parseAgentConfig({
        ...base,
        clusterCIDR: '10.200.0.0/16',
        serviceCIDR: '10.32.0.0/16',
        proxy: { mode: 'iptables', nodePortAddresses: ['10.240.7.0/24'] },
      }).proxy,
    ).toEqual({
      mode: 'iptables',
      clusterCIDR: '10.200.0.0/16',
      serviceCIDR: '10.32.0.0/16',
      deprecations: [],
      nodePortAddresses: ['10.240.7.0/24'],
    });
    expect(parseAgentConfig({ ...base, proxy: { mode: 'nftables' } }).proxy.mode).toBe('nftables');
    expect(() => parseAgentConfig({ ...base, proxy: { mode: 'ipvs' } })).toThrow(
      'proxy.mode must be iptables, nftables or none, not "ipvs"',
    );
  });

  it('tells kube-proxy the service range, and refuses one that is not an IPv4 CIDR', () => {
    const base = { nodeName: 'n1', nodeIP: '10.0.0.2', kubeconfig: '/k.yaml' };
    expect(parseAgentConfig(base).serviceCIDR).toBe('10.96.0.0/12');
    expect(parseAgentConfig({ ...base, serviceCIDR: '172.20.0.0/16' }).proxy.serviceCIDR).toBe(
      '172.20.0.0/16',
    );
    for (const bad of ['10.96.0.0', '10.96.0.0/33', '10.256.0.0/16', 'fd00::/108', '', 12])
      expect(() => parseAgentConfig({ ...base, serviceCIDR: bad }, '/etc/flotilla/agent.yaml')).toThrow(
        `/etc/flotilla/agent.yaml: serviceCIDR must be an IPv4 CIDR such as 10.96.0.0/12, not ${JSON.stringify(bad)}`,
      );
    expect(() => parseAgentConfig({ ...base, serviceCIDR: '10.96.0.1/12' })).toThrow(
      'config: serviceCIDR 10.96.0.1/12 has host bits set',
    );
  });

  it('still reads proxy.clusterCIDR of an older agent.yaml: a differing one wins for kube-proxy, with a deprecation', () => {
    const base = { nodeName: 'n1', nodeIP: '10.0.0.2', kubeconfig: '/k.yaml' };
    // What the installer wrote before: the same range twice. Nothing to warn about.
    const same = parseAgentConfig({
      ...base,
      clusterCIDR: '10.244.0.0/16',
      proxy: { mode: 'iptables', clusterCIDR: '10.244.0.0/16' },
    });
    expect(same.proxy).toMatchObject({ clusterCIDR: '10.244.0.0/16', deprecations: [] });
    // A hand-edited proxy section: kube-proxy keeps using what it used before.
    const differing = parseAgentConfig({ ...base, proxy: { mode: 'iptables', clusterCIDR: '10.50.0.0/16' } });
    expect(differing.clusterCIDR).toBe('10.244.0.0/16');
    expect(differing.proxy.clusterCIDR).toBe('10.50.0.0/16');
    expect(differing.proxy.deprecations).toEqual([
      'proxy.clusterCIDR is deprecated: kube-proxy uses 10.50.0.0/16 from it, not clusterCIDR 10.244.0.0/16; set the top-level clusterCIDR and remove proxy.clusterCIDR',
    ]);
  });

  it("moves kube-proxy's healthz listener where proxy.healthzBindAddress says", () => {
    const base = { nodeName: 'n1', nodeIP: '10.0.0.2', kubeconfig: '/k.yaml' };
    expect(
      parseAgentConfig({ ...base, proxy: { mode: 'iptables', healthzBindAddress: '127.0.0.1:20256' } }).proxy
        .healthzBindAddress,
    ).toBe('127.0.0.1:20256');
  });

  it('needs a node IP and some credential', () => {
    expect(() => parseAgentConfig({ nodeName: 'n1', kubeconfig: '/k' })).toThrow(/nodeIP/);
    expect(() => parseAgentConfig({ nodeName: 'n1', nodeIP: '1.2.3.4' })).toThrow(/kubeconfig or apiServer/);
    expect(parseAgentConfig({ nodeIP: '1.2.3.4', apiServer: 'https://x', token: 't' }).token).toBe('t');
  });
});
