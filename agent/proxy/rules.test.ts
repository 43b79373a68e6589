// The rule builder: golden restore text for a few services (compare with `iptables-save` of a
// real cluster), and what a partial sync writes.
import { describe, expect, it } from 'vitest';
import { sampleServicePorts as sample } from './fixtures.ts';
import { buildRules, probability } from './rules.ts';
import { chainsOf, endpointChainOf } from './service-ports.ts';

const CLUSTER_CIDR = '10.244.0.0/16';

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

  it('in a partial sync touches only the changed service: its own chains, and its lines in the shared chains one by one', async () => {
    const ports = sample();
    const full = buildRules(ports, { changed: 'all', clusterCIDR: CLUSTER_CIDR });
    // shop/api loses its endpoints: its chains go, its KUBE-SERVICES jumps are deleted and
    // REJECT rules are inserted; nothing else is flushed or rewritten.
    const withoutApi = ports.map((p) => (p.service === 'shop/api' ? { ...p, endpoints: [] } : p));
    const partial = buildRules(withoutApi, {
      changed: new Set(['shop/api']),
      clusterCIDR: CLUSTER_CIDR,
      previousTopLevel: full.topLevel,
      staleChains: full.natChains,
    });
    await expect(partial.text).toMatchFileSnapshot('testdata/partial-sync.rules');
    const lines = partial.text.split('\n');
    expect(lines.filter((l) => /^:KUBE-(SERVICES|NODEPORTS|POSTROUTING|MARK-MASQ|FORWARD)/.test(l))).toEqual(
      [],
    );
    expect(lines.filter((l) => !l.includes('shop/api') && /^-[ADI] /.test(l))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('-D KUBE-SERVICES'))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('-I KUBE-SERVICES 1') && l.endsWith('-j REJECT'))).toHaveLength(
      1,
    );
    const api = ports.find((p) => p.service === 'shop/api')!;
    for (const chain of [
      chainsOf(api).cluster,
      chainsOf(api).external,
      chainsOf(api).firewall,
      ...api.endpoints.map((e) => endpointChainOf(api, e)),
    ])
      expect(lines).toContain(`-X ${chain}`);
    // The kernel now holds what a full sync of the new state would write.
    expect(partial.natChains).toEqual(
      buildRules(withoutApi, { changed: 'all', clusterCIDR: CLUSTER_CIDR }).natChains,
    );
  });

  it('in a partial sync writes nothing in the shared chains when a service’s entry points stay the same', () => {
    const ports = sample();
    const full = buildRules(ports, { changed: 'all', clusterCIDR: CLUSTER_CIDR });
    const partial = buildRules(ports, {
      changed: new Set(['default/web']),
      previousTopLevel: full.topLevel,
      clusterCIDR: CLUSTER_CIDR,
    });
    expect(partial.text.split('\n').filter((l) => /^-[DI] /.test(l))).toEqual([]);
    expect(partial.text).toContain(':KUBE-SVC-CDGGSHYLG3RE2FKL - [0:0]');
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
