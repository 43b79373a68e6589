// IPv4 CIDR arithmetic for node subnets (10.240.<k>.0/24) and pod CIDRs.
import { run } from './exec.ts';

export interface Ipv4Cidr {
  network: number; // as an unsigned 32-bit integer
  prefix: number;
}

export function parseCidr(cidr: string): Ipv4Cidr {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!match) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const address = ipToInt(octets.join('.'));
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((address & ~mask) >>> 0 !== 0) throw new Error(`${cidr} has host bits set`);
  return { network: address, prefix };
}

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, octet) => ((acc << 8) | Number(octet)) >>> 0, 0);
}

export function intToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}

/** The n-th address of a CIDR (n = 1 is the first host address). */
export function nthAddress(cidr: string, n: number): string {
  const { network, prefix } = parseCidr(cidr);
  const size = 2 ** (32 - prefix);
  if (n < 1 || n >= size - 1) throw new Error(`address #${n} is outside the hosts of ${cidr}`);
  return intToIp(network + n);
}

export function containsIp(cidr: string, ip: string): boolean {
  const { network, prefix } = parseCidr(cidr);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (ipToInt(ip) & mask) >>> 0 === network;
}

export function overlaps(a: string, b: string): boolean {
  const ca = parseCidr(a);
  const cb = parseCidr(b);
  const prefix = Math.min(ca.prefix, cb.prefix);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (ca.network & mask) >>> 0 === (cb.network & mask) >>> 0;
}

/**
 * A 10.240.<k>.0/24 that no host interface or route uses yet. The choice is random among the
 * free ones so that clusters created at the same moment (parallel tests) rarely collide; the
 * bridge address assignment then fails loudly if they still do.
 */
export async function freeNodeSubnet(random: () => number = Math.random): Promise<string> {
  const used = await hostIpv4Cidrs();
  const free: string[] = [];
  for (let k = 1; k < 255; k++) {
    const candidate = `10.240.${k}.0/24`;
    if (!used.some((cidr) => overlaps(cidr, candidate))) free.push(candidate);
  }
  if (free.length === 0) throw new Error('no free node subnet left in 10.240.0.0/16');
  return free[Math.floor(random() * free.length)]!;
}

/** Host interfaces with an IPv4 address inside `cidr`. */
export async function interfacesInSubnet(cidr: string): Promise<string[]> {
  const names: string[] = [];
  for (const line of (await run('ip', ['-4', '-o', 'addr', 'show'])).split('\n')) {
    const m = /^\d+: (\S+)\s+inet (\d+\.\d+\.\d+\.\d+)\//.exec(line);
    if (m && containsIp(cidr, m[2]!)) names.push(m[1]!);
  }
  return names;
}

/** Every IPv4 network the host has an address in or a route to. */
async function hostIpv4Cidrs(): Promise<string[]> {
  const cidrs: string[] = [];
  for (const line of (await run('ip', ['-4', '-o', 'addr', 'show'])).split('\n')) {
    const m = /inet (\d+\.\d+\.\d+\.\d+)\/(\d+)/.exec(line);
    if (m) cidrs.push(networkOf(m[1]!, Number(m[2])));
  }
  for (const line of (await run('ip', ['-4', 'route', 'show'])).split('\n')) {
    const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)/.exec(line);
    if (m) cidrs.push(networkOf(m[1]!, Number(m[2])));
  }
  return cidrs;
}

function networkOf(ip: string, prefix: number): string {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return `${intToIp((ipToInt(ip) & mask) >>> 0)}/${prefix}`;
}
