// Chain names exactly as upstream kube-proxy makes them (pkg/proxy/iptables/proxier.go), so the
// KUBE-SVC-… a learner sees here is the one a real cluster would show for the same service:
// the first 16 characters of base32(sha256(servicePortName + protocol [+ endpoint])).
import { hash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (Go's base32.StdEncoding); only the first 16 characters are ever used. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** base32(sha256(text)): the hash both modes put in their chain names (nftables keeps 8 characters). */
export function hashBase32(text: string, length: number): string {
  // Only the bytes the first `length` characters come from: 5 bits per character.
  const digest = hash('sha256', text, 'buffer');
  return base32(digest.subarray(0, Math.ceil((length * 5) / 8))).slice(0, length);
}

const hash16 = (text: string) => hashBase32(text, 16);

/** The chains of one service port; `portName` is "ns/name" or "ns/name:port-name". */
export interface ServicePortChains {
  /** Endpoints for Cluster traffic policy. */
  cluster: string;
  /** Local endpoints only (internal or external traffic policy Local). */
  local: string;
  /** Where NodePort, LoadBalancer and external IP traffic enters. */
  external: string;
  /** loadBalancerSourceRanges filter. */
  firewall: string;
}

/** `protocol` in lower case, as upstream hashes it ("tcp", "udp"). */
export function servicePortChains(portName: string, protocol: string): ServicePortChains {
  const hash = hash16(portName + protocol);
  return {
    cluster: `KUBE-SVC-${hash}`,
    local: `KUBE-SVL-${hash}`,
    external: `KUBE-EXT-${hash}`,
    firewall: `KUBE-FW-${hash}`,
  };
}

/** `endpoint` is "ip:port". */
export function endpointChain(portName: string, protocol: string, endpoint: string): string {
  return `KUBE-SEP-${hash16(portName + protocol + endpoint)}`;
}

/** Per-service chains this proxy writes, and so may delete when no longer used. */
export function isServiceChain(chain: string): boolean {
  return /^KUBE-(SVC|SVL|EXT|FW|SEP)-[A-Z2-7]{16}$/.test(chain);
}
