// Existing Linux hosts as nodes (like k3sup): the user names host, user and key (or agent).
// The host key is pinned from what the user gives (key or fingerprint) or, on first contact,
// only with their explicit confirmation. Prerequisites are checked before anything changes,
// with one report of everything that fails. Then the cluster key is authorized for root (the
// shared install path manages every node as root) and what we change is recorded, so
// deleting the node leaves the host as it was.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VM_AGENT_DEFAULTS, probeAgentHost } from '../cloud-init/vm-node.ts';
import {
  ProvisionError,
  type NodeProvider,
  type ProviderDetection,
  type ProviderNodeSpec,
  type ProvisionContext,
  type ProvisionedNode,
} from '../provider.ts';
import {
  authorizeKeyScript,
  existingPathsScript,
  trackedPaths,
  uninstallScript,
  type HostRecord,
} from './changes.ts';
import {
  HostKeyMismatchError,
  openSsh,
  withSsh,
  type PresentedHostKey,
  type SshSession,
  type SshTarget,
} from './connection.ts';
import { nodeHostOptions, parseSshHostOptions, type SshHostOptions } from './options.ts';
import { checkFacts, probeHost, RUNTIME_PIECES } from './prerequisites.ts';

export interface SshHostProviderOptions {
  /**
   * Asked when a host's key is not pinned by the user and `acceptNewHostKey` was not given:
   * show the fingerprint, resolve true only if the person confirms it.
   */
  confirmHostKey?: (host: string, presented: PresentedHostKey) => Promise<boolean>;
}

export class SshHostProvider implements NodeProvider {
  readonly name = 'ssh' as const;

  constructor(private readonly options: SshHostProviderOptions = {}) {}

  async detect(): Promise<ProviderDetection> {
    // Nothing to install here: ssh2 is built in. Whether a given host fits is checked per node.
    return { available: true };
  }

  async createNode(spec: ProviderNodeSpec, ctx: ProvisionContext): Promise<ProvisionedNode> {
    const options = parseSshHostOptions(nodeHostOptions(spec.options, spec.index));
    ctx.progress(`connecting to ${options.user}@${options.host}:${options.port}`);
    const hostKey = await this.pinnedHostKey(options, ctx);
    const login: SshTarget = {
      host: options.host,
      port: options.port,
      username: options.user,
      privateKey: options.privateKey,
      passphrase: options.passphrase,
      agent: options.agent,
      hostKey,
    };
    const ssh = await connectOrExplain(login, ctx.signal);
    try {
      ctx.progress('checking prerequisites');
      const facts = await probeHost(ssh);
      const report = checkFacts(facts);
      for (const warning of report.warnings) ctx.progress(`warning: ${warning}`);
      if (report.failures.length > 0)
        throw new ProvisionError(
          'prerequisites',
          `${options.host} does not meet ${report.failures.length === 1 ? 'a prerequisite' : `${report.failures.length} prerequisites`} (nothing was changed):\n${report.failures.map((f) => `  - ${f}`).join('\n')}`,
          'Fix the items listed and add the node again.',
          [...report.failures, ...report.warnings.map((w) => `warning: ${w}`)].join('\n'),
        );
      const sudo = facts.sudo === 'root' ? '' : 'sudo -n ';
      const agent = {
        ...(await probeAgentHost(ssh, VM_AGENT_DEFAULTS)),
        ...(facts.cniBinDir ? { cniBinDir: facts.cniBinDir } : {}),
        installPackages: RUNTIME_PIECES.some((piece) => !facts.present.includes(piece)),
      };
      const existed = await ssh.exec(`${sudo}sh -s`, { input: existingPathsScript(trackedPaths({ agent })) });
      const keyCheck = await ssh.exec(
        `${sudo}grep -qxF '${ctx.sshPublicKey.trim()}' /root/.ssh/authorized_keys`,
      );
      const record: HostRecord = {
        loginUser: options.user,
        presentBefore: facts.present,
        existedBefore: existed.stdout.split('\n').filter(Boolean),
        keyWasAuthorized: keyCheck.code === 0,
        hadCni0: (await ssh.exec('ip link show cni0')).code === 0,
      };
      // The first change to the host.
      ctx.progress('authorizing the cluster key for root');
      const authorized = await ssh.exec(`${sudo}sh -s`, { input: authorizeKeyScript(ctx.sshPublicKey) });
      if (authorized.code !== 0)
        throw new ProvisionError(
          'SSH up',
          `could not authorize the cluster key on ${options.host}: ${authorized.stderr.trim()}`,
        );
      const node: ProvisionedNode = {
        name: spec.name,
        provider: 'ssh',
        address: options.host,
        sshPort: options.port,
        sshUser: 'root',
        hostKey: ssh.hostKey.publicKey,
        apiServerAddress: ssh.localAddress,
        agent,
        state: { ...record },
      };
      await this.checkClusterKey(node, ctx);
      return node;
    } finally {
      ssh.close();
    }
  }

  /** The host is already up; make sure it still answers with its pinned key. */
  async startNode(node: ProvisionedNode, ctx: ProvisionContext): Promise<ProvisionedNode> {
    await this.checkClusterKey(node, ctx);
    return node;
  }

  /** Stops the agent; the host itself is the user's. */
  async stopNode(node: ProvisionedNode, ctx: ProvisionContext): Promise<void> {
    await this.asRoot(node, ctx, (ssh) =>
      ssh.exec(
        node.agent.serviceManager === 'systemd'
          ? 'systemctl stop flotilla-agent.service'
          : `[ -f ${node.agent.installDir}/agent.pid ] && kill "$(cat ${node.agent.installDir}/agent.pid)"; true`,
      ),
    );
  }

  /** Uninstalls: the host is left as it was before Flotilla came. */
  async deleteNode(node: ProvisionedNode, ctx: ProvisionContext): Promise<void> {
    const record = node.state as unknown as HostRecord;
    ctx.progress(`uninstalling from ${node.address}`);
    const result = await this.asRoot(node, ctx, (ssh) =>
      ssh.exec('sh -s', { input: uninstallScript(node, record, ctx.sshPublicKey) }),
    );
    if (result.code !== 0)
      throw new ProvisionError('delete node', `uninstall on ${node.address} failed: ${result.stderr.trim()}`);
  }

  async address(node: ProvisionedNode): Promise<string> {
    return node.address;
  }

  private async checkClusterKey(node: ProvisionedNode, ctx: ProvisionContext): Promise<void> {
    await this.asRoot(node, ctx, (ssh) => ssh.exec('true'));
  }

  private async asRoot<T>(
    node: ProvisionedNode,
    ctx: ProvisionContext,
    use: (ssh: SshSession) => Promise<T>,
  ): Promise<T> {
    const target: SshTarget = {
      host: node.address,
      port: node.sshPort,
      username: node.sshUser,
      privateKey: readFileSync(join(ctx.clusterDir, 'ssh', 'id_ed25519'), 'utf8'),
      hostKey: node.hostKey,
    };
    try {
      return await withSsh(target, use, ctx.signal);
    } catch (error) {
      throw explain(error, target);
    }
  }

  /** The key to pin: the user's, or the presented one after explicit confirmation. */
  private async pinnedHostKey(options: SshHostOptions, ctx: ProvisionContext): Promise<string> {
    if (options.hostKey) return options.hostKey;
    const presented = await presentedHostKey(options, ctx.signal);
    const confirmed =
      options.acceptNewHostKey ||
      (this.options.confirmHostKey ? await this.options.confirmHostKey(options.host, presented) : false);
    if (!confirmed)
      throw new ProvisionError(
        'SSH up',
        `${options.host} presented host key ${presented.fingerprint}, which nobody confirmed (nothing was sent to it)`,
        `Compare it with \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on the host, then give hostKeyFingerprint: "${presented.fingerprint}" (or confirm it when asked).`,
      );
    return presented.publicKey;
  }
}

/** Connects only far enough to see the host key (the verifier refuses it: no credential is sent). */
async function presentedHostKey(options: SshHostOptions, signal?: AbortSignal): Promise<PresentedHostKey> {
  let seen: PresentedHostKey | undefined;
  try {
    const ssh = await openSsh(
      {
        host: options.host,
        port: options.port,
        username: options.user,
        hostKey: (presented) => {
          seen = presented;
          return false;
        },
      },
      signal,
    );
    ssh.close();
  } catch (error) {
    if (!seen) throw explain(error, { host: options.host, port: options.port } as SshTarget);
  }
  return seen!;
}

async function connectOrExplain(target: SshTarget, signal?: AbortSignal): Promise<SshSession> {
  try {
    return await openSsh(target, signal);
  } catch (error) {
    throw explain(error, target);
  }
}

function explain(error: unknown, target: Pick<SshTarget, 'host' | 'port'>): unknown {
  if (error instanceof ProvisionError) return error;
  if (error instanceof HostKeyMismatchError)
    return new ProvisionError(
      'SSH up',
      `${target.host} presented host key ${error.presented.fingerprint}, not the pinned ${error.expected}: refused before logging in`,
      'If the host was reinstalled, confirm its new key; otherwise something else answers at this address.',
    );
  const message = (error as Error)?.message ?? String(error);
  if (/authentication methods failed/i.test(message))
    return new ProvisionError(
      'SSH up',
      `${target.host} refused the login: ${message}`,
      'Check the user and key (or agent) for this host.',
    );
  return new ProvisionError(
    'SSH up',
    `cannot reach ${target.host}:${target.port} over SSH: ${message}`,
    'Check the host is up and the address and port are right.',
  );
}
