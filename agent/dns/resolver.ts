// The cluster zone's answers, following CoreDNS's kubernetes plugin (the DNS spec in
// kubernetes/dns docs/specification.md):
//   <svc>.<ns>.svc.<zone>            A/AAAA: the ClusterIP(s); headless: every ready endpoint
//   <host>.<svc>.<ns>.svc.<zone>     an endpoint by hostname (StatefulSet pods) or dashed IP
//   _<port>._<proto>.<svc>.<ns>.svc.<zone>  SRV for a named port
//   <a-b-c-d>.<ns>.pod.<zone>        A for a pod IP (CoreDNS's `pods insecure`)
//   <reversed ip>.in-addr.arpa       PTR for service and endpoint IPs
// A name that exists with no record of the asked type is NODATA (NOERROR, no answers); a name
// that does not exist is NXDOMAIN. Both carry the zone's SOA so resolvers cache the negative
// answer for its minimum TTL. Everything is answered with a TTL of 5 s, as CoreDNS does.
import type { Answer, Question, SrvAnswer } from 'dns-packet';
import type { Service } from '../../api/types/index.ts';
import type { ClusterRecords, EndpointAddress } from './cluster-records.ts';

export const DNS_TTL = 5;

export interface Resolution {
  rcode: 'NOERROR' | 'NXDOMAIN';
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

export interface ResolverOptions {
  /** The cluster domain, `cluster.local`. */
  zone: string;
}

/** The cluster's answer, or undefined when the name is not ours (forward it). */
export function resolveClusterQuestion(
  question: Question,
  records: ClusterRecords,
  opts: ResolverOptions,
): Resolution | undefined {
  const name = question.name.toLowerCase().replace(/\.$/, '');
  const zone = opts.zone.toLowerCase();
  if (name.endsWith('.in-addr.arpa') || name.endsWith('.ip6.arpa')) {
    if (question.type !== 'PTR') return undefined;
    return reverse(name, question, records, zone);
  }
  if (name !== zone && !name.endsWith(`.${zone}`)) return undefined;
  const labels = name === zone ? [] : name.slice(0, -zone.length - 1).split('.');
  return new ZoneLookup(question, records, zone).resolve(labels);
}

class ZoneLookup {
  private readonly out: Resolution = { rcode: 'NOERROR', answers: [], authorities: [], additionals: [] };

  /** ANY (255) is not in dns-packet's RecordType. */
  private readonly any: boolean;

  constructor(
    private readonly q: Question,
    private readonly records: ClusterRecords,
    private readonly zone: string,
  ) {
    this.any = (q.type as string) === 'ANY';
  }

  resolve(labels: string[]): Resolution {
    const n = labels.length;
    if (n === 0) {
      if (this.q.type === 'SOA' || this.any) this.out.answers.push(soa(this.zone));
      return this.done();
    }
    const kind = labels[n - 1];
    if (kind === 'svc') return this.service(labels.slice(0, -1));
    if (kind === 'pod') return this.pod(labels.slice(0, -1));
    return this.nxdomain();
  }

  /** labels before `svc`: [], [ns], [svc, ns], [ep, svc, ns], [_port, _proto, svc, ns]. */
  private service(labels: string[]): Resolution {
    const n = labels.length;
    if (n === 0) return this.done();
    const ns = labels[n - 1]!;
    if (n === 1) return this.records.hasNamespace(ns) ? this.done() : this.nxdomain();
    const svc = this.records.service(ns, labels[n - 2]!);
    if (!svc) return this.nxdomain();
    const svcName = `${labels[n - 2]}.${ns}.svc.${this.zone}`;
    if (n === 2) return this.serviceRecords(svc, svcName);
    if (n === 3) return this.endpointRecord(svc, svcName, labels[0]!);
    if (n === 4 && labels[0]!.startsWith('_') && labels[1]!.startsWith('_'))
      return this.srv(svc, svcName, labels[0]!.slice(1), labels[1]!.slice(1));
    return this.nxdomain();
  }

  private serviceRecords(svc: Service, name: string): Resolution {
    if (svc.spec?.type === 'ExternalName') {
      if (svc.spec.externalName && this.q.type !== 'SRV' && this.q.type !== 'PTR')
        this.out.answers.push({ name, type: 'CNAME', ttl: DNS_TTL, data: svc.spec.externalName });
      return this.done();
    }
    if (this.q.type === 'SRV' || this.any) {
      for (const port of svc.spec?.ports ?? [])
        if (port.name) this.srvFor(svc, name, port.name, (port.protocol ?? 'TCP').toLowerCase());
      if (this.q.type === 'SRV') return this.done();
    }
    for (const ip of this.serviceIPs(svc)) this.address(name, ip);
    return this.done();
  }

  /** The ClusterIPs, or for a headless service the addresses of its (ready) endpoints. */
  private serviceIPs(svc: Service): string[] {
    if (!isHeadless(svc)) return svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
    const { namespace, name } = svc.metadata as { namespace: string; name: string };
    return unique(this.visibleEndpoints(svc, namespace, name).map((e) => e.ip));
  }

  private visibleEndpoints(svc: Service, ns: string, name: string): EndpointAddress[] {
    const all = this.records.endpoints(ns, name);
    return svc.spec?.publishNotReadyAddresses ? all : all.filter((e) => e.ready);
  }

  /** `<host>.<svc>.<ns>.svc.<zone>`: an endpoint of a headless service by hostname or dashed IP. */
  private endpointRecord(svc: Service, svcName: string, host: string): Resolution {
    if (!isHeadless(svc)) return this.nxdomain();
    const { namespace, name } = svc.metadata as { namespace: string; name: string };
    const matches = this.visibleEndpoints(svc, namespace, name).filter((e) => endpointLabel(e) === host);
    if (matches.length === 0) return this.nxdomain();
    for (const ip of unique(matches.map((e) => e.ip))) this.address(`${host}.${svcName}`, ip);
    return this.done();
  }

  private srv(svc: Service, svcName: string, port: string, proto: string): Resolution {
    const found = (svc.spec?.ports ?? []).some(
      (p) => p.name === port && (p.protocol ?? 'TCP').toLowerCase() === proto,
    );
    if (!found) return this.nxdomain();
    if (this.q.type === 'SRV' || this.any) this.srvFor(svc, svcName, port, proto);
    return this.done();
  }

  /** SRV records for one named port: the service itself, or each endpoint of a headless one. */
  private srvFor(svc: Service, svcName: string, port: string, proto: string): void {
    const name = `_${port}._${proto}.${svcName}`;
    if (!isHeadless(svc)) {
      const p = svc.spec?.ports?.find((x) => x.name === port);
      if (p) this.out.answers.push(srvAnswer(name, svcName, p.port, 100));
      for (const ip of this.serviceIPs(svc)) this.additional(svcName, ip);
      return;
    }
    const { namespace, name: svcShort } = svc.metadata as { namespace: string; name: string };
    const targets: { target: string; ip: string; port: number }[] = [];
    for (const e of this.visibleEndpoints(svc, namespace, svcShort)) {
      const p = e.ports.find((x) => x.name === port && (x.protocol ?? 'TCP').toLowerCase() === proto);
      if (p?.port === undefined) continue;
      targets.push({ target: `${endpointLabel(e)}.${svcName}`, ip: e.ip, port: p.port });
    }
    const weight = targets.length > 0 ? Math.floor(100 / targets.length) : 100;
    for (const t of targets) {
      this.out.answers.push(srvAnswer(name, t.target, t.port, weight));
      this.additional(t.target, t.ip);
    }
  }

  /** `<a-b-c-d>.<ns>.pod.<zone>`. */
  private pod(labels: string[]): Resolution {
    if (labels.length === 0) return this.done();
    if (labels.length !== 2) return this.nxdomain();
    const ip = dashedToIP(labels[0]!);
    if (!ip) return this.nxdomain();
    this.address(`${labels[0]}.${labels[1]}.pod.${this.zone}`, ip);
    return this.done();
  }

  private address(name: string, ip: string): void {
    const type = ip.includes(':') ? 'AAAA' : 'A';
    if (this.q.type === type || this.any) this.out.answers.push({ name, type, ttl: DNS_TTL, data: ip });
  }

  private additional(name: string, ip: string): void {
    this.out.additionals.push({ name, type: ip.includes(':') ? 'AAAA' : 'A', ttl: DNS_TTL, data: ip });
  }

  private nxdomain(): Resolution {
    return { rcode: 'NXDOMAIN', answers: [], authorities: [soa(this.zone)], additionals: [] };
  }

  private done(): Resolution {
    if (this.out.answers.length === 0) {
      this.out.authorities.push(soa(this.zone));
      this.out.additionals = [];
    }
    return this.out;
  }
}

/** PTR for ClusterIPs and endpoint IPs; other addresses are forwarded (CoreDNS's fallthrough). */
function reverse(name: string, q: Question, records: ClusterRecords, zone: string): Resolution | undefined {
  const ip = reverseNameToIP(name);
  if (!ip) return undefined;
  const targets: string[] = [];
  for (const svc of records.servicesByIP(ip))
    targets.push(`${svc.metadata?.name}.${svc.metadata?.namespace}.svc.${zone}`);
  for (const e of records.endpointsByIP(ip))
    targets.push(`${e.hostname ?? dashed(ip)}.${e.service}.${e.namespace}.svc.${zone}`);
  if (targets.length === 0) return undefined;
  return {
    rcode: 'NOERROR',
    answers: unique(targets).map((data) => ({
      name: q.name.replace(/\.$/, ''),
      type: 'PTR',
      ttl: DNS_TTL,
      data,
    })),
    authorities: [],
    additionals: [],
  };
}

/** 4.3.2.1.in-addr.arpa -> 1.2.3.4; nibble-reversed ip6.arpa -> the IPv6 address. */
export function reverseNameToIP(name: string): string | undefined {
  if (name.endsWith('.in-addr.arpa')) {
    const parts = name.slice(0, -'.in-addr.arpa'.length).split('.');
    if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
    return parts.reverse().map(Number).join('.');
  }
  const nibbles = name.slice(0, -'.ip6.arpa'.length).split('.');
  if (nibbles.length !== 32 || !nibbles.every((x) => /^[0-9a-f]$/.test(x))) return undefined;
  const hex = nibbles.reverse().join('');
  const groups = Array.from({ length: 8 }, (_, i) => hex.slice(i * 4, i * 4 + 4).replace(/^0+(?=.)/, ''));
  return compressIPv6(groups);
}

/** The canonical (RFC 5952) text of 8 groups: the longest run of 2+ zero groups becomes `::`. */
function compressIPv6(groups: string[]): string {
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len && j - i >= 2) best = { start: i, len: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.len).join(':')}`;
}

export function soa(zone: string): Answer {
  return {
    name: zone,
    type: 'SOA',
    ttl: DNS_TTL,
    data: {
      mname: `ns.dns.${zone}`,
      rname: `hostmaster.${zone}`,
      // CoreDNS uses the time too; resolvers only compare it for zone transfers.
      serial: Math.floor(Date.now() / 1000) >>> 0,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: DNS_TTL,
    },
  };
}

function srvAnswer(name: string, target: string, port: number, weight: number): SrvAnswer {
  return { name, type: 'SRV', ttl: DNS_TTL, data: { priority: 0, weight, port, target } };
}

function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

/** An endpoint's DNS label: its hostname, or its IP with dashes (10-244-1-5). */
function endpointLabel(e: EndpointAddress): string {
  return e.hostname ?? dashed(e.ip);
}

function dashed(ip: string): string {
  return ip.replaceAll(/[.:]/g, '-');
}

function dashedToIP(label: string): string | undefined {
  const parts = label.split('-');
  if (parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255))
    return parts.join('.');
  if (label.includes('-') && /^[0-9a-f-]+$/.test(label) && parts.length <= 8) return parts.join(':');
  return undefined;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
