// A set of equal subnets carved from one IPv4 range (upstream pkg/controller/nodeipam/ipam/cidrset):
// 10.244.0.0/16 with /24 subnets gives 256 of them. Allocation walks on from the last one handed
// out, so a just-released subnet is not reused at once; occupy() marks subnets found in use.

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  bits: number;
}

export function parseIpv4Cidr(cidr: string): Ipv4Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const ip = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const size = 2 ** (32 - bits);
  return { base: ip - (ip % size), bits };
}

export const formatIpv4 = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
export const formatCidr = (c: Ipv4Cidr) => `${formatIpv4(c.base)}/${c.bits}`;

export class CidrSet {
  readonly range: Ipv4Cidr;
  readonly subnetBits: number;
  readonly capacity: number;
  private readonly used = new Set<number>();
  private next = 0;

  constructor(clusterCidr: string, subnetBits: number) {
    const range = parseIpv4Cidr(clusterCidr);
    if (!range)
      throw new Error(`invalid cluster CIDR "${clusterCidr}" (want an IPv4 CIDR like 10.244.0.0/16)`);
    if (!Number.isInteger(subnetBits) || subnetBits < range.bits || subnetBits > 30)
      throw new Error(`node CIDR mask size ${subnetBits} does not fit in ${clusterCidr}`);
    if (subnetBits - range.bits > 16)
      throw new Error(
        `node CIDR mask size ${subnetBits} makes too many subnets of ${clusterCidr} (at most 65536)`,
      );
    this.range = range;
    this.subnetBits = subnetBits;
    this.capacity = 2 ** (subnetBits - range.bits);
  }

  /** The index of a subnet of this set, or undefined if it is not one. */
  private indexOf(cidr: string): number | undefined {
    const c = parseIpv4Cidr(cidr);
    if (!c || c.bits !== this.subnetBits) return undefined;
    const offset = c.base - this.range.base;
    const size = 2 ** (32 - this.subnetBits);
    if (offset < 0 || offset >= this.capacity * size) return undefined;
    return offset / size;
  }

  private cidrAt(index: number): string {
    return formatCidr({ base: this.range.base + index * 2 ** (32 - this.subnetBits), bits: this.subnetBits });
  }

  /** The next free subnet, now taken; undefined when every one is in use. */
  allocateNext(): string | undefined {
    for (let i = 0; i < this.capacity; i++) {
      const index = (this.next + i) % this.capacity;
      if (this.used.has(index)) continue;
      this.used.add(index);
      this.next = (index + 1) % this.capacity;
      return this.cidrAt(index);
    }
    return undefined;
  }

  /** Mark a subnet taken (a node already has it). False if it is not a subnet of this set. */
  occupy(cidr: string): boolean {
    const index = this.indexOf(cidr);
    if (index === undefined) return false;
    this.used.add(index);
    return true;
  }

  release(cidr: string): void {
    const index = this.indexOf(cidr);
    if (index !== undefined) this.used.delete(index);
  }

  get free(): number {
    return this.capacity - this.used.size;
  }
}
