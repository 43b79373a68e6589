// Nodes as Multipass instances: `multipass launch` with our cloud-init (host key pinned before
// first contact, cluster key for root, container runtime from the distribution), then the
// shared SSH path. Multipass instance names are global on the computer, so each carries the
// cluster name. CLI reference: https://documentation.ubuntu.com/multipass/en/latest/reference/command-line-interface/
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { ToolMissingError, runTool, type ToolResult } from '../cloud-init/run-tool.ts';
import { bootedNode, prepareVmNode, sleep, VM_AGENT_DEFAULTS } from '../cloud-init/vm-node.ts';
import { remoteConsoleLog } from '../cloud-init/remote-log.ts';
import {
  ProvisionError,
  type NodeProvider,
  type ProviderDetection,
  type ProviderNodeSpec,
  type ProvisionContext,
  type ProvisionedNode,
} from '../provider.ts';
import { isMissingInstance, isNameTaken, multipassError } from './errors.ts';
import { parseInfo, parseVersion, type InstanceInfo } from './output.ts';

export interface MultipassProviderOptions {
  /** The multipass executable (default: `multipass` on PATH). */
  command?: string;
  /** How long a node may take from launch to answering on SSH (default 10 minutes). */
  bootTimeoutMs?: number;
  /** Poll interval while waiting for an address (default 2 s). */
  pollMs?: number;
  /** Environment for the multipass process (default: ours). */
  env?: NodeJS.ProcessEnv;
}

/** Image when the node spec names none: Multipass's alias for the latest Ubuntu LTS. */
export const DEFAULT_IMAGE = 'lts';

export function instanceName(cluster: string, node: string): string {
  const name = `flotilla-${cluster}-${node}`;
  if (name.length <= 63) return name;
  return `flotilla-${createHash('sha256').update(`${cluster}/${node}`).digest('hex').slice(0, 16)}`;
}

export class MultipassProvider implements NodeProvider {
  readonly name = 'multipass' as const;
  private readonly command: string;
  private readonly bootTimeoutMs: number;
  private readonly pollMs: number;
  private readonly env: NodeJS.ProcessEnv | undefined;

  constructor(options: MultipassProviderOptions = {}) {
    this.command = options.command ?? 'multipass';
    this.bootTimeoutMs = options.bootTimeoutMs ?? 10 * 60_000;
    this.pollMs = options.pollMs ?? 2_000;
    this.env = options.env;
  }

  async detect(): Promise<ProviderDetection> {
    let result: ToolResult;
    try {
      result = await runTool(this.command, ['version'], { timeoutMs: 30_000, env: this.env });
    } catch (error) {
      if (error instanceof ToolMissingError)
        return {
          available: false,
          reason: 'Multipass is not installed',
          hint: 'Install Multipass from https://canonical.com/multipass/install and try again.',
        };
      throw error;
    }
    const { client, daemon } = parseVersion(result.stdout);
    if (result.code !== 0 || !daemon)
      return {
        available: false,
        version: client,
        reason: `the Multipass service is not answering${result.stderr.trim() ? `: ${result.stderr.trim()}` : ''}`,
        hint: 'Start Multipass (open the app, or `sudo snap start multipass` on Linux).',
      };
    return { available: true, version: daemon };
  }

  async createNode(spec: ProviderNodeSpec, ctx: ProvisionContext): Promise<ProvisionedNode> {
    const vmName = instanceName(ctx.cluster, spec.name);
    const files = prepareVmNode(ctx, spec.name);
    const image = typeof spec.options?.image === 'string' ? spec.options.image : DEFAULT_IMAGE;
    ctx.progress(`launching ${vmName} (${image})`);
    let launch: ToolResult;
    try {
      launch = await this.run(
        [
          'launch',
          '--name',
          vmName,
          '--cpus',
          String(spec.cpus),
          '--memory',
          `${spec.memoryMiB}M`,
          '--disk',
          `${spec.diskGiB}G`,
          '--cloud-init',
          files.seed.userDataFile,
          '--timeout',
          String(Math.ceil(this.bootTimeoutMs / 1000)),
          image,
        ],
        ctx.signal,
      );
    } catch (error) {
      // Cancelled (or multipass vanished) mid-launch: whatever it had made goes.
      await this.purge(vmName);
      rmSync(files.nodeDir, { recursive: true, force: true });
      throw error;
    }
    if (launch.code !== 0) {
      // Someone else's instance of that name is not ours to delete.
      if (!isNameTaken(launch.stderr)) await this.purge(vmName);
      rmSync(files.nodeDir, { recursive: true, force: true });
      throw multipassError('create VM', vmName, launch.stderr);
    }
    const node: ProvisionedNode = {
      name: spec.name,
      provider: 'multipass',
      address: '',
      sshPort: 22,
      sshUser: 'root',
      hostKey: files.hostPublicKey,
      apiServerAddress: '',
      agent: { ...VM_AGENT_DEFAULTS },
      state: { instance: vmName, nodeDir: files.nodeDir, image },
    };
    try {
      return await this.boot(node, ctx, true);
    } catch (error) {
      const details = await this.consoleLog(node, ctx).catch(() => '');
      await this.purge(vmName);
      rmSync(files.nodeDir, { recursive: true, force: true });
      throw withDetails(error, details);
    }
  }

  async startNode(node: ProvisionedNode, ctx: ProvisionContext): Promise<ProvisionedNode> {
    const vmName = instanceOf(node);
    const started = await this.run(['start', vmName], ctx.signal);
    if (started.code !== 0) throw multipassError('start VM', vmName, started.stderr);
    return this.boot(node, ctx, false);
  }

  async stopNode(node: ProvisionedNode, ctx: ProvisionContext): Promise<void> {
    const vmName = instanceOf(node);
    const stopped = await this.run(['stop', vmName], ctx.signal);
    if (stopped.code !== 0 && !isMissingInstance(stopped.stderr))
      throw multipassError('stop VM', vmName, stopped.stderr);
  }

  async deleteNode(node: ProvisionedNode, ctx: ProvisionContext): Promise<void> {
    const vmName = instanceOf(node);
    const deleted = await this.run(['delete', '--purge', vmName], ctx.signal);
    if (deleted.code !== 0 && !isMissingInstance(deleted.stderr))
      throw multipassError('delete VM', vmName, deleted.stderr);
    if (typeof node.state.nodeDir === 'string') rmSync(node.state.nodeDir, { recursive: true, force: true });
  }

  async address(node: ProvisionedNode, ctx: ProvisionContext): Promise<string> {
    const info = await this.info(instanceOf(node), 'address', ctx.signal);
    const ip = info.ipv4[0];
    if (!ip)
      throw new ProvisionError('address', `${instanceOf(node)} has no IPv4 address (state ${info.state})`);
    return ip;
  }

  /** Multipass offers no serial console; the instance's cloud-init log over SSH is the next best. */
  async consoleLog(node: ProvisionedNode, ctx: ProvisionContext): Promise<string> {
    if (!node.address) return '';
    return remoteConsoleLog(node, ctx.clusterDir);
  }

  /** Waits for Running with an address, then for SSH with the pinned key (and cloud-init on create). */
  private async boot(
    node: ProvisionedNode,
    ctx: ProvisionContext,
    firstBoot: boolean,
  ): Promise<ProvisionedNode> {
    const vmName = instanceOf(node);
    const deadline = Date.now() + this.bootTimeoutMs;
    let info: InstanceInfo;
    for (;;) {
      info = await this.info(vmName, 'boot', ctx.signal);
      if (info.state === 'Running' && info.ipv4.length > 0) break;
      if (Date.now() > deadline)
        throw new ProvisionError(
          'boot',
          `${vmName} is still ${info.state}${info.ipv4.length ? '' : ' without an IPv4 address'} after ${Math.round(this.bootTimeoutMs / 1000)} s`,
          'The VM did not finish booting. Check the computer has free memory, then delete the node and try again.',
        );
      ctx.progress(`${vmName} is ${info.state}`);
      await sleep(this.pollMs, ctx.signal);
    }
    return bootedNode(node, info.ipv4[0]!, { deadline, firstBoot, ctx });
  }

  private async info(vmName: string, step: string, signal?: AbortSignal): Promise<InstanceInfo> {
    const result = await this.run(['info', vmName, '--format', 'json'], signal);
    if (result.code !== 0) throw multipassError(step, vmName, result.stderr);
    try {
      return parseInfo(result.stdout, vmName);
    } catch (error) {
      throw new ProvisionError(step, String((error as Error).message));
    }
  }

  private async purge(vmName: string): Promise<void> {
    await this.run(['delete', '--purge', vmName]).catch(() => undefined);
  }

  private async run(args: string[], signal?: AbortSignal): Promise<ToolResult> {
    try {
      return await runTool(this.command, args, { signal, env: this.env });
    } catch (error) {
      if (error instanceof ToolMissingError)
        throw new ProvisionError(
          'create VM',
          'Multipass is not installed',
          'Install Multipass from https://canonical.com/multipass/install and try again.',
        );
      throw error;
    }
  }
}

function instanceOf(node: ProvisionedNode): string {
  const name = node.state.instance;
  if (typeof name !== 'string')
    throw new ProvisionError('address', `node ${node.name} has no Multipass instance recorded`);
  return name;
}

/** Attaches the console log to a ProvisionError (or wraps anything else as one). */
export function withDetails(error: unknown, details: string): unknown {
  if (error instanceof ProvisionError)
    return new ProvisionError(error.step, error.message, error.hint, error.details ?? (details || undefined));
  return error;
}
