// Every host object a netns cluster creates carries a name derived from the cluster name, so
// `cleanup` can find leftovers after a crash without any state file. The shapes are chosen so
// one cluster's names never match another's pattern:
//   network namespace  flt_<cluster>_<node>   ('_' is not allowed in cluster or node names)
//   host bridge        flt-<tag>              (exact name)
//   host veth end      fv<index>-<tag>        (matched as ^fv\d+-<tag>$)
//   iptables comment   flotilla:<cluster>
//   cgroup             flotilla/<cluster>/<node>
// Linux interface names are at most 15 bytes, so long cluster names use a short hash tag.
import { createHash } from 'node:crypto';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_TAG = 7; // 'fv' + 3-digit index + '-' + tag <= 15
export const MAX_NODES = 253; // one /24 node subnet, minus network, bridge and broadcast

export function validateName(kind: 'cluster' | 'node', name: string): void {
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    throw new Error(
      `invalid ${kind} name ${JSON.stringify(name)}: must be a DNS label (a-z, 0-9, '-', at most 63)`,
    );
  }
}

/** A short, stable stand-in for the cluster name in interface names. */
export function clusterTag(cluster: string): string {
  if (cluster.length <= MAX_TAG) return cluster;
  return createHash('sha256').update(cluster).digest('hex').slice(0, MAX_TAG);
}

export const NAMESPACE_PREFIX = 'flt_';

export function namespacePrefix(cluster: string): string {
  return `${NAMESPACE_PREFIX}${cluster}_`;
}

export function namespaceName(cluster: string, node: string): string {
  return `${namespacePrefix(cluster)}${node}`;
}

export function bridgeName(cluster: string): string {
  return `flt-${clusterTag(cluster)}`;
}

export function hostVethName(cluster: string, index: number): string {
  if (!Number.isInteger(index) || index < 1 || index > MAX_NODES)
    throw new Error(`node index out of range: ${index}`);
  return `fv${index}-${clusterTag(cluster)}`;
}

export function isHostVethOf(cluster: string, link: string): boolean {
  return new RegExp(`^fv\\d+-${clusterTag(cluster)}$`).test(link);
}

export function iptablesComment(cluster: string): string {
  return `flotilla:${cluster}`;
}

/** cgroupfs path (relative to each hierarchy's root) under which a node's pods live. */
export function nodeCgroupParent(cluster: string, node: string): string {
  return `/flotilla/${cluster}/${node}`;
}
