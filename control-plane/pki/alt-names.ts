// Subject alternative names. Go (kubectl) and Node match the server name only against SANs,
// never the CN, so every name a client may dial must be listed here.
import { isIP } from 'node:net';
import { x509 } from './x509.ts';

const SUBJECT_ALT_NAME_OID = '2.5.29.17';

export interface AltNames {
  dnsNames: string[];
  /** Canonical text form (IPv6 compressed, lower case). */
  ips: string[];
}

/** Every serving certificate answers to the loopback names. */
export const LOOPBACK_ALT_NAMES: AltNames = { dnsNames: ['localhost'], ips: ['127.0.0.1', '::1'] };

/** Canonical text form of an IP address, so '0:0:0:0:0:0:0:1' and '::1' compare equal. */
export function canonicalIp(ip: string): string {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const family = isIP(bare);
  if (family === 0) throw new Error(`not an IP address: ${ip}`);
  // The WHATWG URL parser prints IPv6 in RFC 5952 form and IPv4 in dotted decimal.
  const host = new URL(family === 6 ? `http://[${bare}]/` : `http://${bare}/`).hostname;
  return family === 6 ? host.slice(1, -1) : host;
}

/** Sorts a mixed list of names into DNS names and IPs (by their syntax), removing duplicates. */
export function altNamesFrom(...lists: (string[] | AltNames | undefined)[]): AltNames {
  const dns = new Set<string>();
  const ips = new Set<string>();
  const add = (value: string, kind?: 'dns' | 'ip') => {
    const trimmed = value.trim();
    if (!trimmed) return;
    if (kind === 'ip' || (kind === undefined && isIP(trimmed.replace(/^\[|\]$/g, '')) !== 0)) {
      ips.add(canonicalIp(trimmed));
    } else {
      dns.add(trimmed.toLowerCase());
    }
  };
  for (const list of lists) {
    if (!list) continue;
    if (Array.isArray(list)) list.forEach((v) => add(v));
    else {
      list.dnsNames.forEach((v) => add(v, 'dns'));
      list.ips.forEach((v) => add(v, 'ip'));
    }
  }
  return { dnsNames: [...dns], ips: [...ips] };
}

export function toX509AltNames(names: AltNames): x509.SubjectAlternativeNameExtension {
  return new x509.SubjectAlternativeNameExtension([
    ...names.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...names.ips.map((value) => ({ type: 'ip' as const, value })),
  ]);
}

/** The DNS and IP SANs among a certificate's or CSR's extensions (other name types are ignored). */
export function altNamesOf(extensions: readonly x509.Extension[]): AltNames {
  const ext = extensions.find((e) => e.type === SUBJECT_ALT_NAME_OID);
  const items = ext ? new x509.SubjectAlternativeNameExtension(ext.rawData).names.items : [];
  return altNamesFrom({
    dnsNames: items.filter((n) => n.type === 'dns').map((n) => n.value),
    ips: items.filter((n) => n.type === 'ip').map((n) => n.value),
  });
}

/** Names in `wanted` that `have` lacks, as 'DNS:x' / 'IP:y' for messages. */
export function missingAltNames(have: AltNames, wanted: AltNames): string[] {
  const h = altNamesFrom(have);
  const w = altNamesFrom(wanted);
  return [
    ...w.dnsNames.filter((d) => !h.dnsNames.includes(d)).map((d) => `DNS:${d}`),
    ...w.ips.filter((i) => !h.ips.includes(i)).map((i) => `IP:${i}`),
  ];
}
