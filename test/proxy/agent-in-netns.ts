// `flotilla agent` running INSIDE a netns node's network namespace, as the installer runs it on
// a real node, so kube-proxy programs that node's iptables. (test/agent runs it on the host.)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { NetnsNode } from '../../control-plane/provision/netns/index.ts';
import { startAgent, type AgentProcess } from '../agent/agent-process.ts';

export type NetnsAgent = AgentProcess;

export function writeProxyAgentConfig(
  node: NetnsNode,
  kubeconfig: string,
  dir: string,
  clusterCIDR: string,
  podCIDR: string,
  mode: 'iptables' | 'nftables' = 'iptables',
): string {
  const file = join(dir, `agent-${node.name}.yaml`);
  writeFileSync(
    file,
    stringify({
      nodeName: node.name,
      kubeconfig,
      containerRuntimeEndpoint: node.containerdSocket,
      cniConfDir: node.cniConfDir,
      podCIDR,
      dataDir: join(node.nodeDir, 'agent'),
      nodeIP: node.nodeIp,
      cgroupParent: node.cgroupParent,
      kubeletPort: 0,
      clusterCIDR,
      proxy: { mode },
    }),
  );
  return file;
}

export function startAgentInNetns(node: NetnsNode, configFile: string): NetnsAgent {
  return startAgent(configFile, { netns: node.namespace });
}

/** The host PID of a container's process, found by its ID in the cgroup path. */
export function pidOfContainer(containerId: string): number {
  // The container's own init (pid 1 in its pid namespace), not whatever else is in its cgroup
  // right now: an exec'd process (kubectl exec, a probe) lives there too and may be gone by the
  // time its pid is used.
  let other: number | undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cgroup`, 'utf8').includes(containerId)) continue;
      const nspid = /^NSpid:\s*(.*)$/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1]?.split(/\s+/);
      if (nspid && nspid.length > 1 && nspid[nspid.length - 1] === '1') return Number(entry);
      other ??= Number(entry);
    } catch {
      // The process exited while we looked.
    }
  }
  if (other !== undefined) return other;
  throw new Error(`no process found for container ${containerId}`);
}
