// What the VM providers (Multipass, VirtualBox) share around cloud-init: the node's files
// (a host key Flotilla generates, so it is pinned before first contact, and the seed), and
// the wait after boot until the node answers on SSH with that key and cloud-init is done.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSshKeyPair } from '../netns/keys.ts';
import {
  ProvisionError,
  type AgentHostSettings,
  type ProvisionContext,
  type ProvisionedNode,
} from '../provider.ts';
import { HostKeyMismatchError, openSsh, type SshSession } from '../ssh-host/connection.ts';
import { metaData, networkConfig, userData } from './user-data.ts';
import { writeSeed, type WrittenSeed } from './seed.ts';

export interface VmNodeFiles {
  nodeDir: string;
  hostPublicKey: string;
  seed: WrittenSeed;
}

export function nodeDirOf(clusterDir: string, node: string): string {
  return join(clusterDir, 'nodes', node);
}

/** Generates the node's host key and writes its NoCloud seed under `<clusterDir>/nodes/<name>/`. */
export function prepareVmNode(
  ctx: ProvisionContext,
  name: string,
  options: { iso?: boolean; networkConfig?: boolean } = {},
): VmNodeFiles {
  const nodeDir = nodeDirOf(ctx.clusterDir, name);
  mkdirSync(nodeDir, { recursive: true, mode: 0o700 });
  const hostKey = generateSshKeyPair(`root@${name}`);
  // Only the public half is kept beside the seed: it is what we pin.
  writeFileSync(join(nodeDir, 'ssh_host_ed25519_key.pub'), hostKey.publicKey);
  const seed = writeSeed(
    join(nodeDir, 'cloud-init'),
    {
      userData: userData({ hostname: name, hostKey, authorizedKey: ctx.sshPublicKey }),
      metaData: metaData(`flotilla-${ctx.cluster}-${name}`, name),
      networkConfig: options.networkConfig ? networkConfig() : undefined,
    },
    { iso: options.iso },
  );
  return { nodeDir, hostPublicKey: hostKey.publicKey.trim(), seed };
}

/** The cluster's SSH client key (contract: `<clusterDir>/ssh/id_ed25519`). */
export function clusterPrivateKey(clusterDir: string): string {
  return readFileSync(join(clusterDir, 'ssh', 'id_ed25519'), 'utf8');
}

/** Where the agent goes on a VM booted from a Debian/Ubuntu cloud image. */
export const VM_AGENT_DEFAULTS: AgentHostSettings = {
  serviceManager: 'systemd',
  installDir: '/opt/flotilla',
  dataDir: '/var/lib/flotilla',
  // A socket path, as the agent's config takes it (agent/config.ts).
  containerRuntimeEndpoint: '/run/containerd/containerd.sock',
  cniConfDir: '/etc/cni/net.d',
  cniBinDir: '/usr/lib/cni',
  installPackages: false,
};

/** A host may describe an unusual layout (another containerd socket, say) in this file. */
export const AGENT_HOST_FILE = '/etc/flotilla/agent-host.json';

/**
 * How the agent runs on this host: systemd if the host booted with it (sd_booted's test),
 * else a detached process; then any override the host declares in AGENT_HOST_FILE.
 */
export async function probeAgentHost(
  ssh: SshSession,
  defaults: AgentHostSettings,
): Promise<AgentHostSettings> {
  const systemd = (await ssh.exec('test -d /run/systemd/system')).code === 0;
  const settings: AgentHostSettings = { ...defaults, serviceManager: systemd ? 'systemd' : 'detached' };
  const declared = await ssh.exec(`cat ${AGENT_HOST_FILE}`);
  if (declared.code !== 0 || declared.stdout.trim() === '') return settings;
  try {
    return { ...settings, ...(JSON.parse(declared.stdout) as Partial<AgentHostSettings>) };
  } catch (error) {
    throw new ProvisionError('SSH up', `${AGENT_HOST_FILE} on the node is not valid JSON: ${String(error)}`);
  }
}

export interface AwaitNodeSpec {
  address: string;
  port?: number;
  hostKey: string;
  clusterDir: string;
  timeoutMs: number;
  /** Wait for cloud-init to finish (it installs the container runtime). */
  waitForCloudInit: boolean;
  signal?: AbortSignal;
  progress(message: string): void;
}

export interface ReadyNode {
  apiServerAddress: string;
  agent: AgentHostSettings;
}

/**
 * The end of a VM's boot, once it has an address: SSH with the pinned key (and cloud-init on the
 * first boot) within what is left of the boot deadline (at least 30 s), then the node as
 * provisioned, with the addresses the agent will use.
 */
export async function bootedNode(
  node: ProvisionedNode,
  address: string,
  opts: { deadline: number; firstBoot: boolean; ctx: ProvisionContext },
): Promise<ProvisionedNode> {
  const ready = await awaitNode({
    address,
    hostKey: node.hostKey,
    clusterDir: opts.ctx.clusterDir,
    timeoutMs: Math.max(opts.deadline - Date.now(), 30_000),
    waitForCloudInit: opts.firstBoot,
    signal: opts.ctx.signal,
    progress: opts.ctx.progress,
  });
  return { ...node, address, apiServerAddress: ready.apiServerAddress, agent: ready.agent };
}

/**
 * Waits until the node answers on SSH as root with the pinned host key (a different key fails
 * at once: that is not a slow boot), then for cloud-init, then looks at how to run the agent.
 */
export async function awaitNode(spec: AwaitNodeSpec): Promise<ReadyNode> {
  const privateKey = clusterPrivateKey(spec.clusterDir);
  const deadline = Date.now() + spec.timeoutMs;
  let ssh: SshSession | undefined;
  let lastError: unknown;
  for (let attempt = 1; !ssh; attempt++) {
    spec.signal?.throwIfAborted();
    try {
      ssh = await openSsh(
        {
          host: spec.address,
          port: spec.port ?? 22,
          username: 'root',
          privateKey,
          hostKey: spec.hostKey,
          readyTimeoutMs: 20_000,
        },
        spec.signal,
      );
    } catch (error) {
      if (error instanceof HostKeyMismatchError)
        throw new ProvisionError(
          'SSH up',
          `${spec.address} answered with a different SSH host key (${error.presented.fingerprint}) than the one Flotilla gave this node`,
          'Another machine may have taken this address; nothing was sent to it. Delete the node and create it again.',
        );
      if (spec.signal?.aborted) throw spec.signal.reason;
      lastError = error;
      if (Date.now() > deadline)
        throw new ProvisionError(
          'SSH up',
          `${spec.address}:${spec.port ?? 22} did not accept SSH within ${Math.round(spec.timeoutMs / 1000)} s: ${String(lastError)}`,
          'The VM may still be booting or its network is not up; see the console log.',
        );
      if (attempt % 5 === 1) spec.progress(`waiting for SSH on ${spec.address}`);
      await sleep(2_000, spec.signal);
    }
  }
  try {
    if (spec.waitForCloudInit) await waitForCloudInit(ssh, spec.progress);
    return { apiServerAddress: ssh.localAddress, agent: await probeAgentHost(ssh, VM_AGENT_DEFAULTS) };
  } finally {
    ssh.close();
  }
}

async function waitForCloudInit(ssh: SshSession, progress: (message: string) => void): Promise<void> {
  if ((await ssh.exec('command -v cloud-init')).code !== 0) return; // an image without it
  progress('cloud-init is installing containerd, runc, CNI plugins and iptables');
  const status = await ssh.exec('cloud-init status --wait --long');
  // Exit 0: done; 2: done with recoverable errors (cloud-init >= 23.4); 1: failed.
  if (status.code === 0 || status.code === 2) return;
  const log = await ssh.exec('tail -n 60 /var/log/cloud-init-output.log');
  throw new ProvisionError(
    'packages',
    `cloud-init failed on the node: ${status.stdout.trim() || status.stderr.trim()}`,
    'The node could not install containerd, runc, CNI plugins and iptables: check that the VM reaches the distribution mirrors.',
    log.stdout,
  );
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}
