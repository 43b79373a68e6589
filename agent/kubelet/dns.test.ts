import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/types/pod.ts';
import { parseResolvConf, podDnsSettings } from './dns.ts';

const pod = (spec: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({
  metadata: { name: 'p', namespace: 'shop' },
  spec: { containers: [], ...spec },
});
const cluster = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', resolvConf: '/nonexistent' };

describe('pod DNS settings', () => {
  it('ClusterFirst: cluster DNS with the namespace search path and ndots:5', () => {
    expect(podDnsSettings(pod(), cluster)).toEqual({
      servers: ['10.96.0.10'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      options: ['ndots:5'],
    });
  });

  it('None: only spec.dnsConfig; options override by name', () => {
    const settings = podDnsSettings(
      pod({
        dnsPolicy: 'None',
        dnsConfig: {
          nameservers: ['1.1.1.1'],
          searches: ['x'],
          options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
        },
      }),
      cluster,
    );
    expect(settings).toEqual({ servers: ['1.1.1.1'], searches: ['x'], options: ['ndots:2', 'edns0'] });
  });

  it('hostNetwork pods with ClusterFirst fall back to the node resolv.conf', () => {
    expect(podDnsSettings(pod({ hostNetwork: true }), cluster).servers).toEqual([]);
  });

  it('ClusterFirst keeps the node search domains after the cluster ones; Default and ClusterFirstWithHostNet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dns-test-'));
    try {
      const resolvConf = join(dir, 'resolv.conf');
      writeFileSync(resolvConf, 'nameserver 192.0.2.53\nsearch corp.example cluster.local\n');
      const withHost = { ...cluster, resolvConf };
      expect(podDnsSettings(pod(), withHost).searches).toEqual([
        'shop.svc.cluster.local',
        'svc.cluster.local',
        'cluster.local',
        'corp.example',
      ]);
      expect(podDnsSettings(pod({ dnsPolicy: 'Default' }), withHost)).toEqual({
        servers: ['192.0.2.53'],
        searches: ['corp.example', 'cluster.local'],
        options: [],
      });
      expect(
        podDnsSettings(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), withHost).servers,
      ).toEqual(['10.96.0.10']);
      // No cluster DNS configured: ClusterFirst falls back to the node's resolv.conf.
      expect(podDnsSettings(pod(), { ...withHost, clusterDNS: [] }).servers).toEqual(['192.0.2.53']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads resolv.conf', () => {
    expect(parseResolvConf('# c\nnameserver 9.9.9.9\nsearch a b\noptions ndots:1 rotate\n')).toEqual({
      servers: ['9.9.9.9'],
      searches: ['a', 'b'],
      options: ['ndots:1', 'rotate'],
    });
  });
});
