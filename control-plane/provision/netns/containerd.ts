// A node's own containerd. Several run side by side on one host, so every path containerd
// would otherwise share is moved into the node's directory:
//   - root, state, the gRPC and ttrpc sockets, the `opt` plugin dir: set in config.toml;
//   - CRI pod network namespaces: `netns_mounts_under_state_dir` (else /var/run/netns);
//   - shim sockets, which 1.6 hard-codes under /run/containerd/s, and runc's state
//     (/run/containerd/runc): /run/containerd is bind-mounted from the node dir;
//   - CNI state (/var/lib/cni: host-local leases, libcni result cache): bind-mounted too;
//   - the CRI stream server listens on 127.0.0.1 with a random port, inside the node's
//     network namespace, so it never collides with another node's.
// Mounts made by containerd and its shims live in the daemon's private mount namespace and
// vanish with its last process, so a killed node leaves no mount on the host.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, isAlive } from './daemon.ts';
import { run } from './exec.ts';

export const DEFAULT_SANDBOX_IMAGE = 'flotilla.local/pause:3.10';
export const CNI_BIN_DIR = '/usr/lib/cni';
export const K8S_NAMESPACE = 'k8s.io';
// sun_path is 108 bytes; containerd appends ".ttrpc" to the socket for its ttrpc server.
const MAX_SOCKET_PATH = 100;

export type Snapshotter = 'overlayfs' | 'native';

export interface ContainerdPaths {
  dir: string; // <node dir>/containerd
  config: string;
  socket: string;
  root: string;
  state: string;
  runDir: string; // bind-mounted over /run/containerd
  cniStateDir: string; // bind-mounted over /var/lib/cni
  cniConfDir: string;
  registryConfigDir: string; // certs.d: per-registry hosts.toml
  log: string;
  pidFile: string;
}

export function containerdPaths(nodeDir: string): ContainerdPaths {
  const dir = join(nodeDir, 'containerd');
  return {
    dir,
    config: join(dir, 'config.toml'),
    socket: join(dir, 'containerd.sock'),
    root: join(dir, 'root'),
    state: join(dir, 'state'),
    runDir: join(dir, 'run'),
    cniStateDir: join(dir, 'cni-state'),
    cniConfDir: join(nodeDir, 'cni', 'net.d'),
    registryConfigDir: join(dir, 'certs.d'),
    log: join(nodeDir, 'logs', 'containerd.log'),
    pidFile: join(dir, 'containerd.pid'),
  };
}

export interface ContainerdConfigOptions {
  paths: ContainerdPaths;
  snapshotter: Snapshotter;
  sandboxImage: string;
  /** Clamp containers' oom_score_adj to containerd's own (when we may not lower it). */
  restrictOomScoreAdj: boolean;
}

export function containerdConfig(options: ContainerdConfigOptions): string {
  const { paths, snapshotter, sandboxImage, restrictOomScoreAdj } = options;
  const q = (s: string) => JSON.stringify(s); // TOML basic strings share JSON's escaping
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return `# Written by flotilla (control-plane/provision/netns/containerd.ts). One per node.
version = 2
root = ${q(paths.root)}
state = ${q(paths.state)}
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = ${q(paths.socket)}

[ttrpc]
  address = ${q(`${paths.socket}.ttrpc`)}

[debug]
  address = ""
  level = "info"

[metrics]
  address = ""

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = ${q(join(paths.dir, 'opt'))}

  [${cri}]
    sandbox_image = ${q(sandboxImage)}
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    netns_mounts_under_state_dir = true
    enable_selinux = false
    restrict_oom_score_adj = ${restrictOomScoreAdj}

    [${cri}.cni]
      bin_dir = ${q(CNI_BIN_DIR)}
      conf_dir = ${q(paths.cniConfDir)}
      max_conf_num = 1

    [${cri}.registry]
      config_path = ${q(paths.registryConfigDir)}

    [${cri}.containerd]
      snapshotter = ${q(snapshotter)}
      default_runtime_name = "runc"

      [${cri}.containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"

        [${cri}.containerd.runtimes.runc.options]
          SystemdCgroup = false
          Root = "/run/containerd/runc"
`;
}

/**
 * overlayfs when the node directory's filesystem can hold an overlay upper dir (and the
 * kernel lets us mount one), else the slower but universal native snapshotter. The probe
 * mounts in a throwaway mount namespace so nothing can leak.
 */
export async function pickSnapshotter(dir: string): Promise<Snapshotter> {
  mkdirSync(dir, { recursive: true });
  const probe = mkdtempSync(join(dir, '.overlay-probe-'));
  try {
    for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(probe, d));
    const options = `lowerdir=${probe}/lower,upperdir=${probe}/upper,workdir=${probe}/work`;
    await run('unshare', ['-m', 'mount', '-t', 'overlay', 'overlay', '-o', options, join(probe, 'merged')]);
    return 'overlayfs';
  } catch {
    return 'native';
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/**
 * Whether this process may lower an oom_score_adj (needs CAP_SYS_RESOURCE). CRI gives the
 * sandbox -998; without the capability (some VMs and containers drop it) runc fails with
 * "failed to update /proc/self/oom_score_adj: Permission denied" unless containerd clamps.
 */
export async function canLowerOomScoreAdj(): Promise<boolean> {
  try {
    await run('sh', ['-c', 'echo -1 > /proc/self/oom_score_adj']);
    return true;
  } catch {
    return false;
  }
}

export interface StartContainerdOptions {
  namespace: string;
  hostname: string;
  nodeDir: string;
  sandboxImage?: string;
  snapshotter?: Snapshotter;
}

export interface RunningContainerd {
  pid: number;
  paths: ContainerdPaths;
  snapshotter: Snapshotter;
}

export async function startContainerd(options: StartContainerdOptions): Promise<RunningContainerd> {
  const paths = containerdPaths(options.nodeDir);
  if (paths.socket.length + '.ttrpc'.length > MAX_SOCKET_PATH) {
    throw new Error(`containerd socket path too long for a unix socket: ${paths.socket}`);
  }
  for (const d of [paths.dir, paths.root, paths.state, paths.cniConfDir, join(options.nodeDir, 'logs')]) {
    mkdirSync(d, { recursive: true });
  }
  const snapshotter = options.snapshotter ?? (await pickSnapshotter(paths.root));
  writeFileSync(
    paths.config,
    containerdConfig({
      paths,
      snapshotter,
      sandboxImage: options.sandboxImage ?? DEFAULT_SANDBOX_IMAGE,
      restrictOomScoreAdj: !(await canLowerOomScoreAdj()),
    }),
  );
  const pid = startDaemon({
    namespace: options.namespace,
    hostname: options.hostname,
    binds: [
      [paths.runDir, '/run/containerd'],
      [paths.cniStateDir, '/var/lib/cni'],
    ],
    argv: ['containerd', '--config', paths.config],
    logFile: paths.log,
    pidFile: paths.pidFile,
    scratchDir: paths.dir,
  });
  await waitForContainerd(paths, pid);
  return { pid, paths, snapshotter };
}

/** Waits until containerd answers on its socket; fails early (with its log) if it exits. */
export async function waitForContainerd(
  paths: ContainerdPaths,
  pid: number,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await answers(paths.socket)) return;
    if (!isAlive(pid)) throw new Error(`containerd exited during startup:\n${logTail(paths.log)}`);
    if (Date.now() > deadline)
      throw new Error(`containerd did not answer within ${timeoutMs} ms:\n${logTail(paths.log)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('ctr', ['--address', socket, '--timeout', '2s', 'version'], { timeout: 5_000 }, (error) =>
      resolve(!error),
    );
  });
}

/** Imports an OCI or Docker image archive into the node's containerd, where CRI sees it. */
export async function importImage(
  paths: ContainerdPaths,
  archive: string,
  snapshotter: Snapshotter,
): Promise<void> {
  await run(
    'ctr',
    [
      '--address',
      paths.socket,
      '--namespace',
      K8S_NAMESPACE,
      'images',
      'import',
      '--snapshotter',
      snapshotter,
      archive,
    ],
    { timeoutMs: 300_000 },
  );
}

/**
 * Lets the node pull from a registry over plain HTTP (a local one on the cluster bridge, say).
 * containerd reads certs.d/<host>/hosts.toml at each pull, so no restart is needed.
 */
export function allowPlainHttpRegistry(paths: ContainerdPaths, host: string): void {
  const dir = join(paths.registryConfigDir, host);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'hosts.toml'),
    `server = "http://${host}"\n\n[host."http://${host}"]\n  capabilities = ["pull", "resolve"]\n`,
  );
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}
