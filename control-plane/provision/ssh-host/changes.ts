// What Flotilla changes on an existing host, recorded so that uninstall puts the host back as
// it was: our key for root, the agent's directories and unit, and (when the installer had to
// add them) the distribution packages. Things that were there before are never removed.
import { installPaths } from '../install/agent-config.ts';
import type { ProvisionedNode } from '../provider.ts';

/** Kept in ProvisionedNode.state for `ssh` nodes. */
export interface HostRecord {
  /** The user the person gave us (we then manage the host as root with the cluster key). */
  loginUser: string;
  /** Runtime pieces the host had before (containerd, runc, iptables, cni). */
  presentBefore: string[];
  /** Paths (install dir, data dir, CNI config) that existed before we came. */
  existedBefore: string[];
  /** Whether the cluster key was already authorized for root (then we leave it). */
  keyWasAuthorized: boolean;
  /** Whether a cni0 bridge existed (another CNI's): then it is not ours to delete. */
  hadCni0?: boolean;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Shell (run as root) that authorizes the cluster key for root, once. */
export function authorizeKeyScript(publicKey: string): string {
  const key = publicKey.trim();
  return [
    'set -e',
    'umask 077',
    'mkdir -p /root/.ssh',
    'touch /root/.ssh/authorized_keys',
    `grep -qxF ${q(key)} /root/.ssh/authorized_keys || printf '%s\\n' ${q(key)} >> /root/.ssh/authorized_keys`,
  ].join('\n');
}

/** Paths whose prior existence we record (only those we created are removed later). */
export function trackedPaths(node: Pick<ProvisionedNode, 'agent'>): string[] {
  return [node.agent.installDir, node.agent.dataDir, `${node.agent.cniConfDir}/10-flotilla.conflist`];
}

export function existingPathsScript(paths: string[]): string {
  return paths.map((p) => `[ -e ${q(p)} ] && echo ${q(p)}`).join('\n') + '\ntrue';
}

/** Debian package names of the runtime pieces. */
const PACKAGE_OF: Record<string, string> = {
  containerd: 'containerd',
  runc: 'runc',
  iptables: 'iptables',
  cni: 'containernetworking-plugins',
};

/**
 * Shell (run as root over the cluster key) that undoes what Flotilla did: stops and removes the
 * agent, removes what we created, the packages the installer added, and finally our key.
 */
export function uninstallScript(node: ProvisionedNode, record: HostRecord, clusterKey: string): string {
  const paths = installPaths(node);
  const lines = [
    'export PATH="$PATH:/usr/sbin:/sbin"',
    `if [ -d /run/systemd/system ]; then systemctl disable --now flotilla-agent.service 2>/dev/null; rm -f ${q(paths.unit)}; systemctl daemon-reload; fi`,
    `if [ -f ${q(paths.pidFile)} ]; then kill "$(cat ${q(paths.pidFile)})" 2>/dev/null; fi`,
  ];
  for (const path of trackedPaths(node))
    if (!record.existedBefore.includes(path)) lines.push(`rm -rf ${q(path)}`);
  // The agent's pod bridge, if it made one.
  if (!record.hadCni0) lines.push('ip link show cni0 >/dev/null 2>&1 && ip link del cni0');
  if (node.agent.installPackages) {
    const added = Object.keys(PACKAGE_OF)
      .filter((piece) => !record.presentBefore.includes(piece))
      .map((piece) => PACKAGE_OF[piece]!);
    if (added.length > 0)
      lines.push(
        `command -v apt-get >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get remove -y ${added.join(' ')}`,
      );
  }
  if (!record.keyWasAuthorized)
    lines.push(
      `[ -f /root/.ssh/authorized_keys ] && grep -vxF ${q(clusterKey.trim())} /root/.ssh/authorized_keys > /root/.ssh/authorized_keys.flotilla; mv /root/.ssh/authorized_keys.flotilla /root/.ssh/authorized_keys`,
    );
  lines.push('true');
  return lines.join('\n');
}
