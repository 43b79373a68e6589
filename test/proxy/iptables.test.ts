// The proxier against real iptables in a throwaway network namespace: what a sync leaves in
// the kernel, that a partial sync rewrites only what changed, that a restart converges, and
// that rules someone else wrote are never touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../api/client/index.ts';
import { systemIptables } from '../../agent/proxy/iptables.ts';
import { Proxier } from '../../agent/proxy/proxier.ts';
import {
  chainsOf as iptablesChainsOf,
  endpointChainOf,
  servicePortsOf,
} from '../../agent/proxy/service-ports.ts';
import { netnsSkipReason } from '../helpers/netns.ts';
import { dns, dnsSlice, web, webSlice } from './sample-services.ts';
import { createThrowawayNetns, type ThrowawayNetns } from './throwaway-netns.ts';

describe.skipIf(netnsSkipReason() !== undefined)('kube-proxy on real iptables', () => {
  let ns: ThrowawayNetns;
  const save = (table: string) => ns.run('iptables-save', ['-t', table]);
  const chainsOf = (text: string) =>
    text
      .split('\n')
      .filter((l) => /^:KUBE-(SVC|SEP|EXT)-/.test(l))
      .map((l) => l.slice(1, l.indexOf(' ')))
      .sort();
  const proxier = () =>
    new Proxier({
      iptables: systemIptables({ netns: ns.name }),
      nodeName: 'node-1',
      clusterCIDR: '10.244.0.0/16',
      logger: silentLogger,
      deleteUdpFlows: async () => 0,
    });

  beforeAll(() => {
    ns = createThrowawayNetns();
    // Someone else's rules, in chains we also use and in their own.
    ns.run('iptables', ['-t', 'nat', '-N', 'OTHER-NAT']);
    ns.run('iptables', ['-t', 'nat', '-A', 'OTHER-NAT', '-p', 'tcp', '--dport', '8888', '-j', 'RETURN']);
    ns.run('iptables', [
      '-t',
      'nat',
      '-A',
      'PREROUTING',
      '-m',
      'comment',
      '--comment',
      'not ours',
      '-j',
      'OTHER-NAT',
    ]);
    ns.run('iptables', [
      '-t',
      'filter',
      '-A',
      'FORWARD',
      '-m',
      'comment',
      '--comment',
      'not ours',
      '-j',
      'ACCEPT',
    ]);
  });
  afterAll(() => ns?.remove());

  it('writes the upstream chains and jumps, rewrites only a changed service, converges after a restart and leaves other rules alone', async () => {
    const p = proxier();
    p.setService(web);
    p.setEndpointSlice(webSlice('10.244.1.2', '10.244.2.2'));
    p.setService(dns);
    p.setEndpointSlice(dnsSlice);
    expect((await p.sync()).full).toBe(true);

    const nat = save('nat');
    expect(nat).toContain('-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
    expect(nat).toContain('-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
    expect(nat).toContain(
      '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    );
    const [webPort] = servicePortsOf(web, [webSlice('10.244.1.2', '10.244.2.2')], 'node-1');
    expect(nat).toContain(`-j ${iptablesChainsOf(webPort!).cluster}`);
    expect(nat).toMatch(/-A KUBE-NODEPORTS .*--dport 30080 -j KUBE-EXT-/);
    expect(nat).toMatch(/-m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-/);
    const filter = save('filter');
    expect(filter).toContain('-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD');
    const before = chainsOf(nat);
    expect(before).toHaveLength(6); // web: SVC, EXT, 2 SEP; dns: SVC, SEP

    // One endpoint replaced: its SEP chain goes, the new one comes, dns's chains stay put.
    const dnsRulesBefore = nat.split('\n').filter((l) => l.includes('kube-system/dns:dns'));
    p.setEndpointSlice(webSlice('10.244.1.2', '10.244.3.3'));
    expect(await p.sync()).toMatchObject({ full: false, services: 1 });
    const after = save('nat');
    const chainOf = (ip: string) => {
      const [port] = servicePortsOf(web, [webSlice(ip)], 'node-1');
      return endpointChainOf(port!, port!.endpoints[0]!);
    };
    expect(after).not.toContain(chainOf('10.244.2.2'));
    expect(after).toContain(`:${chainOf('10.244.3.3')} `);
    expect(after.split('\n').filter((l) => l.includes('kube-system/dns:dns'))).toEqual(dnsRulesBefore);

    // No endpoints: rejected in filter, and the service's nat chains are gone.
    p.setEndpointSlice(webSlice());
    await p.sync();
    expect(save('filter')).toMatch(
      /-A KUBE-SERVICES -d 10.96.0.10\/32 -p tcp -m comment --comment "default\/web has no endpoints" -m tcp --dport 80 -j REJECT/,
    );
    expect(chainsOf(save('nat'))).toHaveLength(2);

    // A restarted proxy that no longer knows dns (deleted while it was down) removes its chains
    // in its first (full) sync, adds no second copy of the jumps, and keeps others' rules.
    const restarted = proxier();
    restarted.setService(web);
    restarted.setEndpointSlice(webSlice('10.244.1.2'));
    expect((await restarted.sync()).full).toBe(true);
    const final = save('nat');
    expect(chainsOf(final)).toHaveLength(3); // web: SVC, EXT, SEP
    expect(final).not.toContain('kube-system/dns');
    expect(final.match(/-j KUBE-SERVICES/g)).toHaveLength(2);
    expect(final).toContain('-A PREROUTING -m comment --comment "not ours" -j OTHER-NAT');
    expect(final).toContain('-A OTHER-NAT -p tcp -m tcp --dport 8888 -j RETURN');
    expect(save('filter')).toContain('-A FORWARD -m comment --comment "not ours" -j ACCEPT');
  });
});
