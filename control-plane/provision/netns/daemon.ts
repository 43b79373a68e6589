// Starts a node's long-running process (containerd, sshd) inside the node: in its network
// namespace, in a private mount namespace (mounts it makes never reach the host and vanish
// with its last process), in its own UTS namespace so `hostname` says the node name, with a
// sysfs that shows the node's interfaces, and with per-node directories bind-mounted over host
// paths that the program hard-codes. The process outlives this Node.js process (it is
// detached, like a service); the node's directory has its log and pid file.
//
// Not `ip netns exec`: it remounts /sys and so drops /sys/fs/cgroup, which runc (and later
// the kubelet) need. We do the same remount but carry the cgroup mounts over.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DaemonSpec {
  namespace: string;
  hostname: string;
  /** [per-node directory, host path it replaces inside the daemon's mount namespace] */
  binds?: [string, string][];
  argv: string[];
  logFile: string;
  pidFile: string;
  /** An empty directory of the node's, used as a temporary mount point. */
  scratchDir: string;
}

export function startDaemon(spec: DaemonSpec): number {
  const binds = spec.binds ?? [];
  for (const [source, target] of binds) {
    mkdirSync(source, { recursive: true });
    mkdirSync(target, { recursive: true }); // an empty mount point on the host, if missing
  }
  const park = join(spec.scratchDir, 'cgroup-park');
  mkdirSync(park, { recursive: true });
  // $1 hostname, $2 cgroup parking spot, then pairs of bind source/target, '--', the program.
  const script = [
    'set -e',
    'hostname "$1"',
    'mount --rbind /sys/fs/cgroup "$2"',
    'umount -l /sys',
    'mount -t sysfs sysfs /sys',
    'mount --move "$2" /sys/fs/cgroup',
    'shift 2',
    'while [ "$1" != -- ]; do mount --bind "$1" "$2"; shift 2; done; shift',
    'exec "$@"',
  ].join('\n');
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn(
      'nsenter',
      [
        `--net=/run/netns/${spec.namespace}`,
        '--',
        'unshare',
        '--mount',
        '--uts',
        '--propagation',
        'slave',
        '--',
        'sh',
        '-c',
        script,
        'sh',
        spec.hostname,
        park,
        ...binds.flat(),
        '--',
        ...spec.argv,
      ],
      { detached: true, stdio: ['ignore', log, log] },
    );
    if (child.pid === undefined) throw new Error(`could not start ${spec.argv[0]} in ${spec.namespace}`);
    child.unref();
    writeFileSync(spec.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** Asks a daemon to stop (SIGTERM) and waits up to timeoutMs for it to exit. */
export async function stopDaemon(pid: number, timeoutMs = 10_000): Promise<boolean> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return true;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

export function isAlive(pid: number): boolean {
  try {
    // A zombie (state Z) has exited; it only waits for its parent to reap it.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
