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
      clusterCIDR: undefined,
      nodePortAddresses: [],
    });
    expect(
      parseAgentConfig({
        ...base,
        proxy: { mode: 'iptables', clusterCIDR: '10.244.0.0/16', nodePortAddresses: ['10.240.7.0/24'] },
      }).proxy,
    ).toEqual({ mode: 'iptables', clusterCIDR: '10.244.0.0/16', nodePortAddresses: ['10.240.7.0/24'] });
    expect(parseAgentConfig({ ...base, proxy: { mode: 'nftables' } }).proxy.mode).toBe('nftables');
    expect(() => parseAgentConfig({ ...base, proxy: { mode: 'ipvs' } })).toThrow(
      'proxy.mode must be iptables, nftables or none, not "ipvs"',
    );
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
