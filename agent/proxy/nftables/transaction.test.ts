// The nftables ruleset generator: golden `nft -f` text for a few services (compare with
// `nft list table ip kube-proxy` of a real cluster), and what a partial sync writes.
import { describe, expect, it } from 'vitest';
import { sampleServicePorts } from '../fixtures.ts';
import type { ProxyServicePort } from '../service-ports.ts';
import { endpointNames, isServiceObject, serviceNames } from './names.ts';
import { parseObjects } from './nft.ts';
import { serviceObjects, type ServiceObjects } from './service-objects.ts';
import { fullSyncText, partialSyncText } from './transaction.ts';

const CLUSTER_CIDR = '10.244.0.0/16';
const SERVICE_CIDR = '10.96.0.0/12';

const rulesOf = (objects: ServiceObjects, chain: string) =>
  objects.chains.find((c) => c.name === chain)?.rules;
const elementsOf = (objects: ServiceObjects, set: string) =>
  objects.elements.filter((e) => e.set === set).map((e) => e.text);

function byService(ports: ProxyServicePort[]): Map<string, ServiceObjects> {
  const out = new Map<string, ServiceObjects>();
  for (const sp of ports) {
    const objects = out.get(sp.service);
    out.set(sp.service, serviceObjects([sp], { clusterCIDR: CLUSTER_CIDR }, objects));
  }
  return out;
}

describe('nftables ruleset', () => {
  it('names chains like upstream: hash, then ns/name/proto/port (and __ip/port for endpoints)', () => {
    const sp = { name: 'default/web:http', protocol: 'tcp' };
    expect(serviceNames(sp).cluster).toMatch(/^service-[A-Z2-7]{8}-default\/web\/tcp\/http$/);
    expect(serviceNames({ name: 'default/web', protocol: 'udp' }).external).toMatch(
      /^external-[A-Z2-7]{8}-default\/web\/udp\/$/,
    );
    const ep = endpointNames(sp, { ip: '10.244.1.2', port: 8080 });
    expect(ep.chain).toMatch(/^endpoint-[A-Z2-7]{8}-default\/web\/tcp\/http__10\.244\.1\.2\/8080$/);
    expect(ep.affinity.slice('affinity-'.length)).toBe(ep.chain.slice('endpoint-'.length));
    expect(isServiceObject(ep.chain)).toBe(true);
    expect(isServiceObject('services')).toBe(false);
    const long = serviceNames({
      name: `${'n'.repeat(63)}/${'s'.repeat(63)}:${'p'.repeat(15)}`,
      protocol: 'tcp',
    });
    expect(long.external.length).toBeLessThanOrEqual(256);
  });

  it('writes the upstream layout for ClusterIP, NodePort, LoadBalancer, affinity and services without endpoints', async () => {
    const text = fullSyncText({
      services: byService(sampleServicePorts()).values(),
      serviceCIDR: SERVICE_CIDR,
    });
    await expect(text).toMatchFileSnapshot('testdata/full-sync.nft');
    // Upstream's order: allocated ClusterIPs on other ports rejected, then the rest of the range dropped.
    expect(text).toContain(
      [
        '\tchain cluster-ips-check {',
        '\t\tip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"',
        '\t\tip daddr 10.96.0.0/12 drop comment "Drop traffic to unallocated ClusterIPs"',
        '\t}',
      ].join('\n'),
    );
    // Only our table, flushed and rewritten in the same transaction.
    expect(text.split('\n').filter((l) => /^(add|flush|delete) table/.test(l))).toEqual([
      'add table ip kube-proxy { comment "rules for kube-proxy" ; }',
      'flush table ip kube-proxy',
    ]);
  });

  it('spreads load evenly: rule i takes 1/(n-i) of what is left, the last takes the rest', () => {
    const api = sampleServicePorts().find((p) => p.service === 'shop/api')!;
    const rules = rulesOf(serviceObjects([api], {}), serviceNames(api).cluster)!;
    // Without session affinity the service chain DNATs itself: no chain per endpoint.
    expect(rules).toEqual([
      'numgen random mod 3 == 0 meta l4proto tcp dnat to 10.244.1.7:80',
      'numgen random mod 2 == 0 meta l4proto tcp dnat to 10.244.2.7:80',
      'meta l4proto tcp dnat to 10.244.3.7:80',
    ]);
    const web = sampleServicePorts().find((p) => p.service === 'default/web')!;
    const sticky = rulesOf(serviceObjects([web], {}), serviceNames(web).cluster)!;
    expect(
      sticky.map((r) => /^(ip saddr @affinity-|numgen random mod \d+ == 0 goto|goto)/.exec(r)?.[1]),
    ).toEqual(['ip saddr @affinity-', 'ip saddr @affinity-', 'numgen random mod 2 == 0 goto', 'goto']);
  });

  it('masquerades hairpin traffic from one set of endpoint IPs, which a partial sync only adds to', () => {
    const ports = sampleServicePorts();
    const before = byService(ports);
    const full = fullSyncText({ services: before.values() });
    expect(full).toContain(
      'ct status dnat ip saddr . ip daddr @hairpin-endpoints jump mark-for-masquerade comment "hairpin"',
    );
    expect(full).toMatch(
      /^add element ip kube-proxy hairpin-endpoints \{ .*10\.244\.1\.7 \. 10\.244\.1\.7[,} ]/m,
    );
    // Another service may share an endpoint IP: a partial sync never deletes from the set.
    const moved = byService(
      ports.map((p) =>
        p.service === 'shop/api'
          ? {
              ...p,
              endpoints: p.endpoints.map((e) => (e.ip === '10.244.1.7' ? { ...e, ip: '10.244.1.8' } : e)),
            }
          : p,
      ),
    );
    const text = partialSyncText({
      changes: [{ before: before.get('shop/api'), after: moved.get('shop/api') }],
    });
    expect(text).not.toMatch(/delete element ip kube-proxy hairpin-endpoints/);
    expect(text).toContain('add element ip kube-proxy hairpin-endpoints { 10.244.1.8 . 10.244.1.8 }');
  });

  it('rejects traffic to a service without endpoints, and drops external traffic where Local has none', () => {
    const [web, empty, lb] = ['default/web', 'default/empty', 'default/lb'].map((s) =>
      byService(sampleServicePorts()).get(s)!,
    );
    expect(elementsOf(empty!, 'no-endpoint-services')).toEqual([
      '10.96.0.11 . udp . 53 comment "default/empty" : goto reject-chain',
    ]);
    expect(elementsOf(empty!, 'no-endpoint-nodeports')).toEqual([
      'udp . 30053 comment "default/empty" : goto reject-chain',
    ]);
    expect(elementsOf(lb!, 'no-endpoint-nodeports')).toEqual(['tcp . 30443 comment "default/lb" : drop']);
    expect(elementsOf(web!, 'no-endpoint-services')).toEqual([]);
  });

  it('in a partial sync touches only the changed service: its chains flushed and rewritten, its map elements swapped', async () => {
    const ports = sampleServicePorts();
    const before = byService(ports);
    // shop/api loses its endpoints: its chains go, its map elements become reject elements.
    const after = byService(ports.map((p) => (p.service === 'shop/api' ? { ...p, endpoints: [] } : p)));
    const text = partialSyncText({
      changes: [{ before: before.get('shop/api'), after: after.get('shop/api') }],
    });
    await expect(text).toMatchFileSnapshot('testdata/partial-sync.nft');
    // The base chains (the service-range drop among them) are static: only a full sync writes them.
    expect(text).not.toContain('cluster-ips-check');
    const lines = text.split('\n').filter(Boolean);
    expect(
      lines.filter((l) => /table|flush (map|set)/.test(l) && !l.startsWith('table ip kube-proxy {')),
    ).toEqual([]);
    expect(lines.filter((l) => /^(flush|delete) chain/.test(l)).every((l) => l.includes('shop/api'))).toBe(
      true,
    );
    for (const { name: chain } of before.get('shop/api')!.chains) {
      expect(lines).toContain(`flush chain ip kube-proxy ${chain}`);
      expect(lines).toContain(`delete chain ip kube-proxy ${chain}`);
    }
    expect(lines).toContain(
      'add element ip kube-proxy no-endpoint-services { 10.96.0.13 . tcp . 8080 comment "shop/api:http" : goto reject-chain, 10.240.7.100 . tcp . 8080 comment "shop/api:http" : goto reject-chain }',
    );
  });

  it('in a partial sync of an unchanged service rewrites its chains but no map element', () => {
    const web = byService(sampleServicePorts()).get('default/web')!;
    const text = partialSyncText({ changes: [{ before: web, after: web }] });
    expect(text).not.toMatch(/element/);
    expect(text).not.toMatch(/delete/);
    expect(text).toMatch(/^flush chain ip kube-proxy service-[A-Z2-7]{8}-default\/web\/tcp\/http$/m);
  });

  it('deletes leftover chains and sets of an earlier run (after a restart), and only those', () => {
    const services = byService(sampleServicePorts());
    const inUse = services.get('default/web')!.chains[0]!.name;
    const text = fullSyncText({
      services: services.values(),
      existingChains: ['endpoint-AAAAAAAA-default/gone/tcp/__10.244.9.9/80', inUse],
      existingSets: ['affinity-AAAAAAAA-default/gone/tcp/__10.244.9.9/80'],
    });
    expect(text).toContain('delete chain ip kube-proxy endpoint-AAAAAAAA-default/gone/tcp/__10.244.9.9/80\n');
    expect(text).toContain('delete set ip kube-proxy affinity-AAAAAAAA-default/gone/tcp/__10.244.9.9/80\n');
    expect(text).not.toContain(`delete chain ip kube-proxy ${inUse}`);
  });

  it('answers NodePorts on the given node IPs when nodePortAddresses is set', () => {
    const text = fullSyncText({
      services: byService(sampleServicePorts()).values(),
      nodePortIPs: ['10.240.7.2', '127.0.0.1'],
    });
    expect(text).toContain('\t\tip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports\n');
    expect(text).toContain('add element ip kube-proxy nodeport-ips { 10.240.7.2 }\n');
    expect(text).not.toContain('fib daddr type local');
  });

  it('reads chain and set names of our table only from nft list output', () => {
    const listing = [
      'table ip other {',
      '\tchain service-AAAAAAAA-x/y/tcp/ {',
      '\t}',
      '}',
      'table ip kube-proxy {',
      '\tchain services {',
      '\t}',
      '\tset affinity-AAAAAAAA-x/y/tcp/__1.2.3.4/80 {',
      '\t}',
      '\tmap service-ips {',
      '\t}',
      '}',
    ].join('\n');
    expect(parseObjects(listing)).toEqual({
      chains: ['services'],
      sets: ['affinity-AAAAAAAA-x/y/tcp/__1.2.3.4/80'],
    });
  });
});
