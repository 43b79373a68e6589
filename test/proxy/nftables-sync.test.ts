// The nftables proxier against the real nft in a throwaway network namespace: what a sync leaves
// in the kernel, that a partial sync rewrites only what changed, that a restart converges, that
// tables someone else wrote are never touched, and that switching modes removes the other
// mode's rules; and, with real connections, that what is left of the service range is dropped.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../api/client/index.ts';
import { makeService } from '../../agent/proxy/fixtures.ts';
import { systemIptables } from '../../agent/proxy/iptables.ts';
import { removeIptablesLeftovers, removeNftablesLeftovers } from '../../agent/proxy/leftovers.ts';
import { endpointNames, serviceNames } from '../../agent/proxy/nftables/names.ts';
import { systemNft } from '../../agent/proxy/nftables/nft.ts';
import { NftablesProxier } from '../../agent/proxy/nftables/proxier.ts';
import { Proxier } from '../../agent/proxy/proxier.ts';
import { netnsSkipReason } from '../helpers/netns.ts';
import { dns, dnsSlice, web, webSlice } from './sample-services.ts';
import { createThrowawayNetns, type ThrowawayNetns } from './throwaway-netns.ts';

const tcpPeer = resolve(import.meta.dirname, 'tcp-peer.mjs');
const webPort = { name: 'default/web', protocol: 'tcp' };
const webChain = serviceNames(webPort).cluster;
const webEndpoint = (ip: string) => endpointNames(webPort, { ip, port: 8080 });

describe.skipIf(netnsSkipReason() !== undefined)('kube-proxy on real nftables', () => {
  let ns: ThrowawayNetns;
  const list = () => ns.run('nft', ['list', 'table', 'ip', 'kube-proxy']);
  const chainOf = (listing: string, name: string) => {
    const start = listing.indexOf(`\tchain ${name} {`);
    return start < 0 ? undefined : listing.slice(start, listing.indexOf('\t}', start));
  };
  // Full syncs of every size are streamed to nft (by default only from 2,000 services on).
  const proxier = () =>
    new NftablesProxier({
      nft: systemNft({ netns: ns.name }),
      streamFromServices: 0,
      nodeName: 'node-1',
      clusterCIDR: '10.244.0.0/16',
      serviceCIDR: '10.96.0.0/12',
      logger: silentLogger,
      deleteUdpFlows: async () => 0,
    });

  beforeEach(() => {
    ns = createThrowawayNetns();
    // Someone else's table, with a chain named like ours.
    ns.run('nft', ['-f', '-'], 'table ip other {\n\tchain services {\n\t\ttcp dport 8888 accept\n\t}\n}\n');
  });
  afterEach(() => ns?.remove());

  it('writes table ip kube-proxy, rewrites only a changed service, converges after a restart and leaves other tables alone', async () => {
    const p = proxier();
    p.setService(web);
    p.setEndpointSlice(webSlice('10.244.1.2', '10.244.2.2'));
    p.setService(dns);
    p.setEndpointSlice(dnsSlice);
    expect((await p.sync()).full).toBe(true);

    const first = list();
    expect(first).toContain('type nat hook prerouting priority dstnat; policy accept;');
    expect(first).toMatch(
      /10\.96\.0\.10 \. tcp \. 80 comment "default\/web" : goto service-[A-Z2-7]{8}-default\/web\/tcp\//,
    );
    expect(first).toMatch(
      /tcp \. 30080 comment "default\/web" : goto external-[A-Z2-7]{8}-default\/web\/tcp\//,
    );
    // Without session affinity the service chain picks an endpoint and DNATs: no endpoint chains.
    expect(chainOf(first, webChain)).toContain(
      'numgen random mod 2 0 meta l4proto tcp dnat to 10.244.1.2:8080',
    );
    expect(first).not.toContain('chain endpoint-');
    expect(first).toContain('ct status dnat ip saddr . ip daddr @hairpin-endpoints jump mark-for-masquerade');
    expect(ns.run('nft', ['list', 'set', 'ip', 'kube-proxy', 'hairpin-endpoints'])).toContain(
      '10.244.2.2 . 10.244.2.2',
    );
    const dnsChains = (text: string) => text.split('\n').filter((l) => l.includes('kube-system/dns'));

    // One endpoint replaced: the service chain DNATs to the new one, dns's objects stay put.
    p.setEndpointSlice(webSlice('10.244.1.2', '10.244.3.3'));
    expect(await p.sync()).toMatchObject({ full: false, services: 1 });
    const second = list();
    expect(chainOf(second, webChain)).not.toContain('10.244.2.2');
    expect(chainOf(second, webChain)).toContain('meta l4proto tcp dnat to 10.244.3.3:8080');
    expect(dnsChains(second)).toEqual(dnsChains(first));

    // No endpoints: rejected, and the service's chains are gone.
    p.setEndpointSlice(webSlice());
    await p.sync();
    const third = list();
    expect(third).toMatch(/10\.96\.0\.10 \. tcp \. 80 comment "default\/web" : goto reject-chain/);
    expect(third).not.toMatch(/chain (service|external|endpoint)-[A-Z2-7]{8}-default\/web/);

    // A restarted proxy that no longer knows dns (deleted while it was down) removes its
    // objects in its first (full) sync.
    const restarted = proxier();
    restarted.setService(web);
    restarted.setEndpointSlice(webSlice('10.244.1.2'));
    expect((await restarted.sync()).full).toBe(true);
    const final = list();
    expect(final).not.toContain('kube-system/dns');
    expect(chainOf(final, webChain)).toContain('dnat to 10.244.1.2:8080');
    expect(ns.run('nft', ['list', 'table', 'ip', 'other'])).toContain('tcp dport 8888 accept');
  });

  it('drops connections to service-range addresses no service has; ClusterIPs still answer, and reject unknown ports', async () => {
    // Every address of the range is local here, and something listens on port 80 of them all:
    // whatever the range's traffic would reach without kube-proxy (on a node, the default route).
    ns.run('ip', ['route', 'add', 'local', '10.96.0.0/12', 'dev', 'lo']);
    // The endpoint, and a client address inside the pod network (not masqueraded, no hairpin).
    ns.run('ip', ['addr', 'add', '10.244.1.2/32', 'dev', 'lo']);
    ns.run('ip', ['addr', 'add', '10.244.9.9/32', 'dev', 'lo']);
    const server = spawn(
      'nsenter',
      [`--net=/run/netns/${ns.name}`, process.execPath, tcpPeer, 'serve', '80', '8080'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      await once(server.stdout, 'data');
      const connect = (ip: string, port: number, ms: number) =>
        execFileSync(
          'nsenter',
          [
            `--net=/run/netns/${ns.name}`,
            process.execPath,
            tcpPeer,
            'connect',
            ip,
            String(port),
            String(ms),
            '10.244.9.9',
          ],
          { encoding: 'utf8' },
        ).trim();
      // Before kube-proxy: an address no service has is answered by whatever the route leads to.
      expect(connect('10.96.5.5', 80, 30_000)).toBe('port 80');

      const p = proxier();
      p.setService(web);
      p.setEndpointSlice(webSlice('10.244.1.2'));
      await p.sync();
      expect(chainOf(list(), 'cluster-ips-check')).toContain(
        'ip daddr 10.96.0.0/12 drop comment "Drop traffic to unallocated ClusterIPs"',
      );
      // The ClusterIP goes to its endpoint; on a port the service lacks it is refused at once.
      expect(connect('10.96.0.10', 80, 30_000)).toBe('port 8080');
      expect(connect('10.96.0.10', 81, 30_000)).toBe('ECONNREFUSED');
      // The unallocated address: the SYN is dropped, nothing answers (not even a refusal).
      expect(connect('10.96.5.5', 80, 5_000)).toBe('timeout');
      // Outside the range nothing changes.
      expect(connect('10.244.1.2', 80, 30_000)).toBe('port 80');
    } finally {
      server.kill();
    }
  });

  it('deletes in a full sync the chains of a service deleted since the last sync', async () => {
    const p = proxier();
    p.setService(web);
    p.setEndpointSlice(webSlice('10.244.1.2'));
    p.setService(dns);
    p.setEndpointSlice(dnsSlice);
    await p.sync();
    expect(list()).toContain('kube-system/dns');
    p.deleteService(dns);
    expect((await p.sync({ full: true })).full).toBe(true);
    expect(list()).not.toContain('kube-system/dns');
    expect(list()).toContain('default/web');
  });

  it('applies nothing of an input that fails to build halfway (a full sync is streamed to nft)', async () => {
    async function* broken() {
      yield 'table ip half {\n\tchain c {\n\t}\n}\n';
      throw new Error('building failed');
    }
    await expect(systemNft({ netns: ns.name }).apply(broken())).rejects.toThrow('building failed');
    expect(ns.run('nft', ['list', 'tables'])).not.toContain('half');
  });

  it('keeps session affinity entries across a full sync', async () => {
    const sticky = makeService('default', 'web', '10.96.0.10', { sessionAffinity: 'ClientIP' });
    const p = proxier();
    p.setService(sticky);
    p.setEndpointSlice(webSlice('10.244.1.2'));
    await p.sync();
    const { chain, affinity } = webEndpoint('10.244.1.2');
    // Affinity keeps upstream's endpoint chain: it records the client, then DNATs.
    expect(chainOf(list(), chain)).toContain(`update @${affinity} { ip saddr }`);
    ns.run('nft', ['add', 'element', 'ip', 'kube-proxy', affinity, '{ 10.244.7.7 }']);
    await p.sync({ full: true });
    expect(ns.run('nft', ['list', 'set', 'ip', 'kube-proxy', affinity])).toContain('10.244.7.7');
  });

  it('switching modes removes the other mode’s rules and nothing else', async () => {
    ns.run('iptables', ['-t', 'nat', '-A', 'PREROUTING', '-p', 'tcp', '--dport', '9999', '-j', 'RETURN']);
    const iptables = systemIptables({ netns: ns.name });
    const nft = systemNft({ netns: ns.name });
    const old = new Proxier({
      iptables,
      nodeName: 'node-1',
      logger: silentLogger,
      deleteUdpFlows: async () => 0,
    });
    old.setService(web);
    old.setEndpointSlice(webSlice('10.244.1.2'));
    await old.sync();
    expect(ns.run('iptables-save', [])).toContain('KUBE-SERVICES');

    await removeIptablesLeftovers(iptables, silentLogger);
    const p = proxier();
    p.setService(web);
    p.setEndpointSlice(webSlice('10.244.1.2'));
    await p.sync();
    const save = ns.run('iptables-save', []);
    expect(save).not.toContain('KUBE-');
    expect(save).toContain('--dport 9999 -j RETURN');
    expect(list()).toContain('default/web');

    await removeNftablesLeftovers(nft, silentLogger);
    expect(ns.run('nft', ['list', 'tables'])).not.toContain('kube-proxy');
    expect(ns.run('nft', ['list', 'tables'])).toContain('table ip other');
  });
});
