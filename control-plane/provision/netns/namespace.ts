// A node's network namespace: a veth pair whose host end plugs into the cluster bridge and
// whose other end is the node's eth0 with the node IP; loopback up, default route via the
// bridge, IP forwarding on (the node routes for its pods).
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { run, runIn, tryRun } from './exec.ts';
import { bridgeName, hostVethName } from './names.ts';
import { parseCidr } from './subnet.ts';

export interface NamespaceSpec {
  namespace: string;
  cluster: string;
  index: number;
  nodeIp: string;
  nodeSubnet: string;
  gateway: string;
}

export async function createNamespace(spec: NamespaceSpec): Promise<void> {
  const { namespace, cluster, index, nodeIp, nodeSubnet, gateway } = spec;
  const hostEnd = hostVethName(cluster, index);
  const { prefix } = parseCidr(nodeSubnet);
  await run('ip', ['netns', 'add', namespace]);
  await run('ip', ['link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace]);
  await run('ip', ['link', 'set', hostEnd, 'master', bridgeName(cluster), 'up']);
  const ipn = (...args: string[]) => run('ip', ['-n', namespace, ...args]);
  await ipn('link', 'set', 'lo', 'up');
  await ipn('addr', 'add', `${nodeIp}/${prefix}`, 'dev', 'eth0');
  await ipn('link', 'set', 'eth0', 'up');
  await ipn('route', 'add', 'default', 'via', gateway);
  // Sysctls under net/ are per network namespace; writing them needs the namespace's /proc/sys.
  await runIn(namespace, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
}

/** Kills what runs in the namespace, then deletes it (its veth pair goes with it). */
export async function deleteNamespace(namespace: string): Promise<void> {
  await killNamespaceProcesses(namespace);
  await tryRun('ip', ['netns', 'del', namespace]);
}

export async function listNamespaces(prefix: string): Promise<string[]> {
  const out = (await tryRun('ip', ['netns', 'list'])) ?? '';
  return out
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name.startsWith(prefix));
}

/**
 * Every process that belongs to the node: those in its network namespace (containerd, sshd,
 * shims, whatever was started over SSH) and all their descendants (containers live in pod
 * network namespaces, but they are children of the shims).
 */
export function namespaceProcesses(namespace: string): number[] {
  let target: number;
  try {
    target = statSync(`/run/netns/${namespace}`).ino;
  } catch {
    return [];
  }
  const parents = new Map<number, number>();
  const inNamespace: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const netns = readlinkSync(`/proc/${pid}/ns/net`); // "net:[4026532281]"
      if (netns === `net:[${target}]`) inNamespace.push(pid);
      parents.set(pid, parentOf(pid));
    } catch {
      // The process exited while we looked.
    }
  }
  const found = new Set(inNamespace);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!found.has(pid) && found.has(ppid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  return [...found];
}

export function isInNamespace(pid: number, namespace: string): boolean {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`) === `net:[${statSync(`/run/netns/${namespace}`).ino}]`;
  } catch {
    return false;
  }
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 4, after the parenthesised command name (which may itself contain spaces or ')').
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/**
 * SIGKILLs the node's processes until none are left. A graceful stop is the caller's job
 * (stop containerd and sshd first); this is the part that must never leave anything behind.
 */
export async function killNamespaceProcesses(namespace: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = namespaceProcesses(namespace);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    if (Date.now() > deadline)
      throw new Error(`processes in ${namespace} survive SIGKILL: ${pids.join(' ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
