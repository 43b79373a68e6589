// Stale UDP conntrack entries (upstream pkg/proxy/conntrack): UDP has no connection to break,
// so a flow keeps going where its first packet was sent until its entry times out. When an
// endpoint goes away its flows are deleted (the next packet is balanced again), and when a
// service gets its first endpoint, flows created while it rejected traffic are deleted too.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { categorizeEndpoints, type ProxyServicePort } from './service-ports.ts';

const exec = promisify(execFile);

/** One `conntrack -D` filter, as arguments after `-D -p udp`. */
export type ConntrackFilter = string[];

/** The UDP flows to forget when a sync goes from `before` to `after` for one service. */
export function staleUdpFlows(
  before: readonly ProxyServicePort[],
  after: readonly ProxyServicePort[],
): ConntrackFilter[] {
  const filters: ConntrackFilter[] = [];
  for (const old of before) {
    if (old.protocol !== 'udp') continue;
    const now = after.find((p) => p.name === old.name && p.protocol === 'udp');
    const nowAddresses = new Set(now ? categorizeEndpoints(now).reachable.map((e) => e.address) : []);
    const vips = [old.clusterIP, ...old.externalIPs, ...old.loadBalancerIPs];
    for (const ep of categorizeEndpoints(old).reachable) {
      if (nowAddresses.has(ep.address)) continue;
      // Matched by the reply's source, the endpoint (upstream does the same).
      const endpoint = ['--reply-src', ep.ip, '--reply-port-src', String(ep.port)];
      for (const ip of vips)
        filters.push(['--orig-dst', ip, '--orig-port-dst', String(old.port), ...endpoint]);
      if (old.nodePort > 0) filters.push(['--orig-port-dst', String(old.nodePort), ...endpoint]);
    }
  }
  for (const now of after) {
    if (now.protocol !== 'udp' || !categorizeEndpoints(now).any) continue;
    const old = before.find((p) => p.name === now.name && p.protocol === 'udp');
    if (old && categorizeEndpoints(old).any) continue;
    for (const ip of [now.clusterIP, ...now.externalIPs, ...now.loadBalancerIPs])
      filters.push(['--orig-dst', ip, '--orig-port-dst', String(now.port)]);
    if (now.nodePort > 0) filters.push(['--orig-port-dst', String(now.nodePort)]);
  }
  return filters;
}

/** Deletes matching flows (in the named netns, or here); "0 flow entries" is not an error. Returns how many commands failed. */
export async function deleteUdpFlows(filters: readonly ConntrackFilter[], netns?: string): Promise<number> {
  let failed = 0;
  for (const f of filters) {
    const args = ['-D', '-p', 'udp', ...f];
    const run = netns
      ? exec('nsenter', [`--net=/run/netns/${netns}`, 'conntrack', ...args])
      : exec('conntrack', args);
    await run.catch((err: { stderr?: string }) => {
      if (!/0 flow entries/.test(err.stderr ?? '')) failed++;
    });
  }
  return failed;
}
