// host-gw pod networking between netns nodes: all nodes share one L2 segment (the cluster
// bridge), so each node routes every other node's podCIDR straight to that node's IP. And
// since the bridge CNI plugin masquerades everything leaving the node's podCIDR, traffic to
// other pods (the cluster CIDR) is exempted, so pods see each other's real IPs.
import { run, runIn, tryRun } from './exec.ts';

export interface PodRouteNode {
  namespace: string;
  nodeIp: string;
  podCIDR?: string;
}

const NO_MASQ_COMMENT = 'flotilla: pod-to-pod without NAT';

export async function setPodRoutes(nodes: PodRouteNode[], clusterCIDR?: string): Promise<void> {
  for (const node of nodes) {
    for (const other of nodes) {
      if (other === node || !other.podCIDR) continue;
      await run('ip', ['-n', node.namespace, 'route', 'replace', other.podCIDR, 'via', other.nodeIp]);
    }
    if (clusterCIDR && node.podCIDR)
      await exemptPodTrafficFromMasquerade(node.namespace, node.podCIDR, clusterCIDR);
  }
}

/** Drops the route to a podCIDR (a removed node's) from the remaining nodes. */
export async function removePodRoute(nodes: PodRouteNode[], podCIDR: string): Promise<void> {
  for (const node of nodes) await tryRun('ip', ['-n', node.namespace, 'route', 'del', podCIDR]);
}

async function exemptPodTrafficFromMasquerade(
  namespace: string,
  podCIDR: string,
  clusterCIDR: string,
): Promise<void> {
  const rule = [
    'POSTROUTING',
    '-s',
    podCIDR,
    '-d',
    clusterCIDR,
    '-m',
    'comment',
    '--comment',
    NO_MASQ_COMMENT,
    '-j',
    'RETURN',
  ];
  const present = await tryRun('ip', [
    'netns',
    'exec',
    namespace,
    'iptables',
    '-w',
    '-t',
    'nat',
    '-C',
    ...rule,
  ]);
  if (present === undefined)
    await runIn(namespace, 'iptables', ['-w', '-t', 'nat', '-I', ...rule.slice(0, 1), '1', ...rule.slice(1)]);
}
