// A node's own sshd, listening on the node IP inside the node's network namespace, with a
// host key of its own and the cluster's key as the only way in (root, no passwords). The
// control plane reaches every provider's nodes the same way: ssh2 with the host key pinned.
import { connect } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, startDaemon } from './daemon.ts';
import { ensureSshKeyPair } from './keys.ts';

export const SSH_PORT = 22;
const SSHD = '/usr/sbin/sshd'; // sshd re-executes itself, so it must be started by absolute path

export interface SshdPaths {
  dir: string;
  config: string;
  hostKey: string;
  authorizedKeys: string;
  privsepDir: string; // bind-mounted over /run/sshd, which sshd requires
  log: string;
  pidFile: string;
}

export function sshdPaths(nodeDir: string): SshdPaths {
  const dir = join(nodeDir, 'sshd');
  return {
    dir,
    config: join(dir, 'sshd_config'),
    hostKey: join(dir, 'ssh_host_ed25519_key'),
    authorizedKeys: join(dir, 'authorized_keys'),
    privsepDir: join(dir, 'run'),
    log: join(nodeDir, 'logs', 'sshd.log'),
    pidFile: join(dir, 'sshd.pid'),
  };
}

export function sshdConfig(paths: SshdPaths, listenAddress: string): string {
  return `# Written by flotilla (control-plane/provision/netns/sshd.ts). One per node.
ListenAddress ${listenAddress}:${SSH_PORT}
HostKey ${paths.hostKey}
AuthorizedKeysFile ${paths.authorizedKeys}
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# The node dir may sit under a world-writable directory (/tmp in tests); the files are ours.
StrictModes no
PidFile none
PrintMotd no
AcceptEnv LANG LC_*
# A netns node shares this computer's files, root's ~/.bashrc included, and bash reads it for
# each command sshd runs unless it is nested (SHLVL >= 2). The control plane's commands must
# not wait on it: a stale pyenv lock there made each one take 60 s. Node terminals still read it.
SetEnv SHLVL=1
Subsystem sftp internal-sftp
`;
}

export interface StartSshdOptions {
  namespace: string;
  hostname: string;
  nodeDir: string;
  nodeIp: string;
  /** The cluster's client public key ("ssh-ed25519 AAAA..."). */
  authorizedKey: string;
}

export interface RunningSshd {
  pid: number;
  paths: SshdPaths;
  /** The node's host public key, to pin. */
  hostPublicKey: string;
}

export async function startSshd(options: StartSshdOptions): Promise<RunningSshd> {
  const paths = sshdPaths(options.nodeDir);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  mkdirSync(join(options.nodeDir, 'logs'), { recursive: true });
  const hostKey = ensureSshKeyPair(paths.hostKey, `root@${options.hostname}`);
  writeFileSync(paths.authorizedKeys, options.authorizedKey.trim() + '\n', { mode: 0o600 });
  writeFileSync(paths.config, sshdConfig(paths, options.nodeIp));
  const pid = startDaemon({
    namespace: options.namespace,
    hostname: options.hostname,
    binds: [[paths.privsepDir, '/run/sshd']],
    argv: [SSHD, '-D', '-e', '-f', paths.config],
    logFile: paths.log,
    pidFile: paths.pidFile,
    scratchDir: paths.dir,
  });
  await waitForSshBanner(options.nodeIp, pid);
  return { pid, paths, hostPublicKey: hostKey.publicKey };
}

/** Waits until something on ip:22 greets with an SSH banner; fails early if sshd exits. */
export async function waitForSshBanner(ip: string, pid: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await sshBanner(ip)) return;
    if (!isAlive(pid)) throw new Error(`sshd on ${ip} exited during startup (see its log)`);
    if (Date.now() > deadline) throw new Error(`sshd on ${ip} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function sshBanner(ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port: SSH_PORT, timeout: 2_000 });
    let received = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('\n')) done(received.startsWith('SSH-2.0-'));
    });
    socket.on('timeout', () => done(false));
    socket.on('error', () => done(false));
    socket.on('end', () => done(false));
  });
}
