// Conflicting routes: a VPN or another tool that already routes one of the cluster's ranges
// would swallow pod, service or node traffic. Our own netns bridges (flt-*, fv*) are expected.
import { ipToInt } from '../provision/netns/subnet.ts';

export interface HostRoute {
  destination: string;
  device: string;
}

export const defaultClusterRanges = {
  pod: '10.244.0.0/16',
  service: '10.96.0.0/12',
  node: '10.240.0.0/16',
} as const;

/** Parses `ip -o -4 route` output: "10.8.0.0/24 dev tun0 proto kernel ...". Default routes are skipped. */
export function parseIpRoutes(output: string): HostRoute[] {
  const routes: HostRoute[] = [];
  for (const line of output.split('\n')) {
    const words = line.trim().split(/\s+/);
    const dest = words[0];
    const dev = words[words.indexOf('dev') + 1];
    if (!dest || dest === 'default' || !words.includes('dev') || !dev) continue;
    if (!/^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(dest)) continue;
    routes.push({ destination: dest.includes('/') ? dest : `${dest}/32`, device: dev });
  }
  return routes;
}

/** An interface address with its netmask, as os.networkInterfaces() gives it, as a CIDR. */
export function interfaceCidr(address: string, netmask: string): string {
  const bits = netmask
    .split('.')
    .map((o) => Number(o).toString(2).replace(/0/g, ''))
    .join('').length;
  return `${address}/${bits}`;
}

/** Whether two CIDRs share addresses; host bits are ignored (interfaces carry them: 10.8.0.5/24). */
export function cidrsOverlap(a: string, b: string): boolean {
  const [ipA = '', bitsA = '32'] = a.split('/');
  const [ipB = '', bitsB = '32'] = b.split('/');
  const prefix = Math.min(Number(bitsA), Number(bitsB));
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (ipToInt(ipA) & mask) >>> 0 === (ipToInt(ipB) & mask) >>> 0;
}

const ownDevice = (device: string) => device.startsWith('flt-') || device.startsWith('fv');

export interface RouteConflict {
  range: keyof typeof defaultClusterRanges;
  cidr: string;
  route: HostRoute;
}

export function findConflicts(
  routes: HostRoute[],
  ranges: Record<keyof typeof defaultClusterRanges, string> = defaultClusterRanges,
): RouteConflict[] {
  const conflicts: RouteConflict[] = [];
  for (const route of routes) {
    if (ownDevice(route.device) || route.device === 'lo') continue;
    for (const [range, cidr] of Object.entries(ranges) as [keyof typeof defaultClusterRanges, string][]) {
      if (cidrsOverlap(route.destination, cidr)) conflicts.push({ range, cidr, route });
    }
  }
  return conflicts;
}
