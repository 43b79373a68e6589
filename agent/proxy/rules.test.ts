// The rule builder: golden restore text for a few services (compare with `iptables-save` of a
// real cluster), and what a partial sync writes.
import { describe, expect, it } from 'vitest';
import { makeService, makeSlice } from './fixtures.ts';
import { buildRules, probability } from './rules.ts';
import { servicePortsOf, type ProxyServicePort } from './service-ports.ts';

const NODE = 'node-1';
const CLUSTER_CIDR = '10.244.0.0/16';

function sample(): ProxyServicePort[] {
  return [
    // ClusterIP with a named port, session affinity, one terminating endpoint left out.
    ...servicePortsOf(
      makeService('default', 'web', '10.96.0.10', {
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }],
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
      }),
      [
        makeSlice(
          'default',
          'web',
          [
            { ip: '10.244.1.2' },
            { ip: '10.244.2.2', node: 'node-2' },
            { ip: '10.244.1.3', ready: false, serving: true, terminating: true },
          ],
          [{ name: 'http', port: 8080 }],
        ),
      ],
      NODE,
    ),
    // UDP NodePort without endpoints: rejected.
    ...servicePortsOf(
      makeService('default', 'empty', '10.96.0.11', {
        type: 'NodePort',
        ports: [{ port: 53, protocol: 'UDP', nodePort: 30053 }],
      }),
      [],
      NODE,
    ),
    // LoadBalancer, externalTrafficPolicy Local, its only endpoint on another node.
    ...servicePortsOf(
      makeService(
        'default',
        'lb',
        '10.96.0.12',
        {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          healthCheckNodePort: 31000,
          ports: [{ port: 443, protocol: 'TCP', nodePort: 30443 }],
        },
        ['10.240.7.2'],
      ),
      [makeSlice('default', 'lb', [{ ip: '10.244.2.5', node: 'node-2' }], [{ port: 8443 }])],
      NODE,
    ),
    // NodePort with three endpoints and loadBalancerSourceRanges on a LoadBalancer.
    ...servicePortsOf(
      makeService(
        'shop',
        'api',
        '10.96.0.13',
        {
          type: 'LoadBalancer',
          loadBalancerSourceRanges: ['192.168.0.0/16'],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP', nodePort: 30080 }],
        },
        ['10.240.7.100'],
      ),
      [
        makeSlice(
          'shop',
          'api',
          [{ ip: '10.244.1.7' }, { ip: '10.244.2.7', node: 'node-2' }, { ip: '10.244.3.7', node: 'node-3' }],
          [{ name: 'http', port: 80 }],
        ),
      ],
      NODE,
    ),
  ];
}

describe('buildRules', () => {
  it('writes the upstream layout for ClusterIP, NodePort, LoadBalancer, affinity and services without endpoints', async () => {
    const { text, natChains } = buildRules(sample(), {
      changed: 'all',
      clusterCIDR: CLUSTER_CIDR,
      randomFully: true,
    });
    await expect(text).toMatchFileSnapshot('testdata/full-sync.rules');
    expect([...natChains].every((c) => text.includes(`:${c} - [0:0]`))).toBe(true);
  });

  it('spreads load evenly: rule i matches 1/(n-i) of what is left', () => {
    expect([4, 3, 2].map(probability)).toEqual(['0.2500000000', '0.3333333333', '0.5000000000']);
    const { text } = buildRules(sample(), { changed: 'all' });
    const api = text
      .split('\n')
      .filter((l) => l.startsWith('-A KUBE-SVC-') && l.includes('shop/api:http ->'));
    expect(api.map((l) => /--probability (\S+)/.exec(l)?.[1] ?? 'rest')).toEqual([
      '0.3333333333',
      '0.5000000000',
      'rest',
    ]);
  });

  it('in a partial sync writes the top-level chains whole but only the changed services’ own chains', async () => {
    const ports = sample();
    const full = buildRules(ports, { changed: 'all', clusterCIDR: CLUSTER_CIDR });
    const partial = buildRules(ports, { changed: new Set(['shop/api']), clusterCIDR: CLUSTER_CIDR });
    await expect(partial.text).toMatchFileSnapshot('testdata/partial-sync.rules');
    const chainLines = (t: string) => t.split('\n').filter((l) => /^:KUBE-(SVC|SVL|EXT|FW|SEP)-/.test(l));
    const api = ports.filter((p) => p.service === 'shop/api');
    expect(chainLines(partial.text).sort()).toEqual(
      chainLines(full.text)
        .filter((l) =>
          [
            api[0]!.chains.cluster,
            api[0]!.chains.external,
            api[0]!.chains.firewall,
            ...api[0]!.endpoints.map((e) => e.chain),
          ].some((c) => l.startsWith(`:${c} `)),
        )
        .sort(),
    );
    // Every service is still reachable from KUBE-SERVICES, and the same chains are in use.
    const services = (t: string) => t.split('\n').filter((l) => l.startsWith('-A KUBE-SERVICES'));
    expect(services(partial.text)).toEqual(services(full.text));
    expect(partial.natChains).toEqual(full.natChains);
  });

  it('deletes stale chains no rule uses any more, and only those', () => {
    const ports = sample();
    const inUse = [...buildRules(ports, { changed: 'all' }).natChains][0]!;
    const { text } = buildRules(ports, {
      changed: new Set(),
      staleChains: ['KUBE-SEP-AAAAAAAAAAAAAAAA', inUse],
    });
    expect(text).toContain(':KUBE-SEP-AAAAAAAAAAAAAAAA - [0:0]\n');
    expect(text).toContain('-X KUBE-SEP-AAAAAAAAAAAAAAAA\n');
    expect(text).not.toContain(`-X ${inUse}`);
  });

  it('answers NodePorts only on the given node IPs when nodePortAddresses is set', () => {
    const { text } = buildRules(sample(), { changed: 'all', nodePortIPs: ['10.240.7.2', '127.0.0.1'] });
    const last = text.split('\n').filter((l) => l.includes('-j KUBE-NODEPORTS'));
    expect(last).toEqual([
      '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -d 10.240.7.2 -j KUBE-NODEPORTS',
    ]);
  });
});
