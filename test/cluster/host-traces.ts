// What a netns cluster may leave on the host, checked after `cluster delete` or a failed
// create: namespaces, bridge, veths, iptables rules, cgroups, mounts, processes, files.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostRulesOf } from '../../control-plane/provision/netns/bridge.ts';
import { cgroupTreeExists } from '../../control-plane/provision/netns/cgroups.ts';
import { bridgeName, isHostVethOf, namespacePrefix } from '../../control-plane/provision/netns/names.ts';
import { listNamespaces } from '../../control-plane/provision/netns/namespace.ts';
import { waitFor } from '../helpers/server.ts';

/** Everything of the cluster's still on the host, as readable lines (empty: nothing). */
export async function hostTraces(cluster: string, clusterDir: string): Promise<string[]> {
  const traces: string[] = [];
  for (const ns of await listNamespaces(namespacePrefix(cluster))) traces.push(`namespace ${ns}`);
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  for (const m of links.matchAll(/^\d+: ([^:@]+)/gm)) {
    if (m[1] === bridgeName(cluster) || isHostVethOf(cluster, m[1]!)) traces.push(`link ${m[1]}`);
  }
  for (const rule of await hostRulesOf(cluster))
    traces.push(`iptables -t ${rule.table} ${rule.deleteArgs.join(' ')}`);
  if (cgroupTreeExists(`/flotilla/${cluster}`)) traces.push(`cgroup /flotilla/${cluster}`);
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n'))
    if (line.includes(clusterDir)) traces.push(`mount ${line}`);
  for (const p of processesMentioning(clusterDir, cluster)) traces.push(`process ${p}`);
  if (existsSync(clusterDir)) traces.push(`directory ${clusterDir}`);
  return traces;
}

/** Waits (SIGKILLed processes take a moment to go) until nothing is left; returns what is. */
export async function waitForNoTraces(cluster: string, clusterDir: string): Promise<string[]> {
  await waitFor(async () => (await hostTraces(cluster, clusterDir)).length === 0, 30_000).catch(() => {});
  return hostTraces(cluster, clusterDir);
}

/** Live processes whose command line names the cluster's folder or its supervisor. */
function processesMentioning(path: string, cluster: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (cmdline.includes(path) || cmdline.includes(`cluster run ${cluster}`))
        found.push(`${entry}: ${cmdline}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}
