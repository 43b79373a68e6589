// Chain and set names in upstream's nftables layout (pkg/proxy/nftables/proxier.go): a readable
// base "ns/name/proto/port-name" (or "...__ip/port" for an endpoint) behind 8 characters of its
// hash, so names stay unique after truncation. nft accepts "/" in names but not ":", hence the
// endpoint's "ip/port".
import { hashBase32 } from '../chain-names.ts';
import type { ProxyEndpoint, ProxyServicePort } from '../service-ports.ts';

/** nft names may be 256 bytes; this leaves room for the longest prefix. */
const BASE_MAX = 200;

function hashAndTruncate(base: string): string {
  const name = `${hashBase32(base, 8)}-${base}`;
  return name.length > BASE_MAX ? `${name.slice(0, BASE_MAX - 3)}...` : name;
}

/** "ns/name/proto/port-name" of a service port whose `name` is "ns/name" or "ns/name:port-name". */
function portBase(sp: Pick<ProxyServicePort, 'name' | 'protocol'>): string {
  const colon = sp.name.indexOf(':');
  const service = colon < 0 ? sp.name : sp.name.slice(0, colon);
  const port = colon < 0 ? '' : sp.name.slice(colon + 1);
  return `${service}/${sp.protocol}/${port}`;
}

/** The per-service-port chains (one base, four roles, like the iptables mode's SVC/SVL/EXT/FW). */
export interface NftServiceNames {
  /** Endpoints for Cluster traffic policy. */
  cluster: string;
  /** Local endpoints only (internal or external traffic policy Local). */
  local: string;
  /** Where NodePort, LoadBalancer and external IP traffic enters. */
  external: string;
  /** loadBalancerSourceRanges filter (in the filter chains, before DNAT). */
  firewall: string;
}

export function serviceNames(sp: Pick<ProxyServicePort, 'name' | 'protocol'>): NftServiceNames {
  const base = hashAndTruncate(portBase(sp));
  return {
    cluster: `service-${base}`,
    local: `local-${base}`,
    external: `external-${base}`,
    firewall: `firewall-${base}`,
  };
}

export interface EndpointNames {
  chain: string;
  /** Its session affinity set (same base). */
  affinity: string;
}

/** The endpoint's chain and affinity set. */
export function endpointNames(
  sp: Pick<ProxyServicePort, 'name' | 'protocol'>,
  ep: Pick<ProxyEndpoint, 'ip' | 'port'>,
): EndpointNames {
  const base = hashAndTruncate(`${portBase(sp)}__${ep.ip}/${ep.port}`);
  return { chain: `endpoint-${base}`, affinity: `affinity-${base}` };
}

/** Per-service chains and sets this proxy writes, and so may delete when no longer used. */
export function isServiceObject(name: string): boolean {
  return /^(service|local|external|firewall|endpoint|affinity)-[A-Z2-7]{8}-/.test(name);
}
