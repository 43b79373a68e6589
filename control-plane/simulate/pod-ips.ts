// Fake pod IPs from the node's spec.podCIDR (assigned by the node IPAM controller), or, while
// it has none, from a deterministic fallback range per node (100.64.0.0/10, one /24 each).
// .0 and .1 (the bridge, on a real node) are never handed out; released IPs are reused.

/** The fallback /24 of the node with this index. */
export const fallbackPodCIDR = (index: number) => `100.${64 + ((index + 1) >> 8)}.${(index + 1) & 255}.0/24`;

function parseIPv4Cidr(cidr: string): { base: number; size: number } | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits < 8 || bits > 30) return undefined;
  const ip = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const size = 2 ** (32 - bits);
  return { base: ip - (ip % size), size };
}

const format = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

export class PodIPAllocator {
  private range: { base: number; size: number };
  private readonly used = new Map<string, number>();
  private readonly taken = new Set<number>();
  private next = 2;

  constructor(cidr: string) {
    this.range = parseIPv4Cidr(cidr) ?? parseIPv4Cidr('100.64.0.0/24')!;
  }

  /** Switch to the node's real podCIDR once it has one (IPs already handed out stay). */
  setCidr(cidr: string): void {
    const r = parseIPv4Cidr(cidr);
    if (!r || (r.base === this.range.base && r.size === this.range.size)) return;
    this.range = r;
    this.next = 2;
  }

  /** The pod's IP (the same one again for the same key). */
  allocate(key: string): string {
    const have = this.used.get(key);
    if (have !== undefined) return format(have);
    for (let tries = 0; tries < this.range.size; tries++) {
      const offset = this.next;
      this.next = this.next + 1 >= this.range.size - 1 ? 2 : this.next + 1;
      const ip = this.range.base + offset;
      if (this.taken.has(ip)) continue;
      this.taken.add(ip);
      this.used.set(key, ip);
      return format(ip);
    }
    throw new Error(`pod CIDR ${format(this.range.base)} is full`);
  }

  /** An IP a pod already has (seen after a restart), so it is not handed out twice. */
  reserve(key: string, ip: string): void {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
    if (!m || this.used.has(key)) return;
    const n = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
    this.used.set(key, n);
    this.taken.add(n);
  }

  release(key: string): void {
    const ip = this.used.get(key);
    if (ip === undefined) return;
    this.used.delete(key);
    this.taken.delete(ip);
  }
}
