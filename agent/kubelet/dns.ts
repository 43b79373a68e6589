// A pod's resolv.conf settings by dnsPolicy (upstream kubelet/network/dns): ClusterFirst uses
// the cluster DNS with the namespace's search path, Default the node's own resolv.conf, None
// only spec.dnsConfig; spec.dnsConfig is merged on top in every case.
import { readFileSync } from 'node:fs';
import type { Pod } from '../../api/types/pod.ts';

export interface DnsSettings {
  servers: string[];
  searches: string[];
  options: string[];
}

export interface ClusterDns {
  clusterDNS: string[];
  clusterDomain: string;
  /** The node's resolv.conf (for dnsPolicy Default and as the fallback). */
  resolvConf?: string;
}

export function podDnsSettings(pod: Pod, cluster: ClusterDns): DnsSettings {
  const spec: NonNullable<Pod['spec']> | Partial<NonNullable<Pod['spec']>> = pod.spec ?? {};
  let policy = spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'ClusterFirstWithHostNet') policy = 'ClusterFirst';
  else if (policy === 'ClusterFirst' && spec.hostNetwork) policy = 'Default';
  let base: DnsSettings = { servers: [], searches: [], options: [] };
  if (policy === 'ClusterFirst' && cluster.clusterDNS.length > 0) {
    const ns = pod.metadata?.namespace ?? 'default';
    const domain = cluster.clusterDomain;
    // Upstream keeps the node's own search domains after the cluster's.
    const host = parseResolvConf(readResolvConf(cluster.resolvConf ?? '/etc/resolv.conf'));
    base = {
      servers: [...cluster.clusterDNS],
      searches: unique([`${ns}.svc.${domain}`, `svc.${domain}`, domain, ...host.searches]),
      options: ['ndots:5'],
    };
  } else if (policy !== 'None') {
    base = parseResolvConf(readResolvConf(cluster.resolvConf ?? '/etc/resolv.conf'));
  }
  const extra = spec.dnsConfig;
  if (extra) {
    base.servers = unique([...base.servers, ...(extra.nameservers ?? [])]);
    base.searches = unique([...base.searches, ...(extra.searches ?? [])]);
    const options = new Map(base.options.map((o) => [o.split(':')[0]!, o]));
    for (const o of extra.options ?? [])
      if (o.name) options.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
    base.options = [...options.values()];
  }
  // The resolver reads at most 3 nameservers and 32 search domains (upstream trims the same).
  base.servers = base.servers.slice(0, 3);
  base.searches = base.searches.slice(0, 32);
  return base;
}

export function parseResolvConf(text: string): DnsSettings {
  const out: DnsSettings = { servers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const [key, ...values] = raw
      .replace(/[#;].*$/, '')
      .trim()
      .split(/\s+/);
    if (key === 'nameserver' && values[0]) out.servers.push(values[0]);
    else if (key === 'search' || key === 'domain') out.searches = values;
    else if (key === 'options') out.options.push(...values);
  }
  return out;
}

function readResolvConf(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
