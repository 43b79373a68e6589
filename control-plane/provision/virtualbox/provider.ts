// Nodes as VirtualBox VMs: import an Ubuntu cloud image (.ova) with its disk as VDI, grown to the
// node's disk size before first boot (cloud-init's growpart fills it), NIC 1 NAT (the internet) and
// NIC 2 host-only (node-to-node and host-to-node traffic: an adapter, or on macOS with
// VirtualBox 7 a host-only network, see host-network.ts), our NoCloud seed ISO on its own SATA
// controller, the serial console to a file, then `startvm --type headless` and the shared SSH
// path. The address comes from guest properties (with Guest Additions) or the host-only DHCP
// server's lease. VBoxManage reference: https://www.virtualbox.org/manual/ch08.html
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ToolMissingError, runTool, type ToolResult } from '../cloud-init/run-tool.ts';
import { VM_AGENT_DEFAULTS, bootedNode, prepareVmNode, sleep } from '../cloud-init/vm-node.ts';
import {
  ProvisionError,
  type NodeProvider,
  type ProviderDetection,
  type ProviderNodeSpec,
  type ProvisionContext,
  type ProvisionedNode,
} from '../provider.ts';
import { isMissingVm, isNameTaken, vboxError } from './errors.ts';
import {
  DEFAULT_HOST_ONLY_NET,
  hostNetworkKind,
  hostOnlyNetNetworkName,
  type HostNetworkKind,
} from './host-network.ts';
import {
  attachedDisks,
  colonMac,
  parseGuestProperty,
  parseHostOnlyInterfaces,
  parseHostOnlyNetworks,
  parseLease,
  parseMachineReadable,
  parseVersion,
} from './output.ts';

export interface VirtualBoxProviderOptions {
  /** The VBoxManage executable (default: `VBoxManage` on PATH). */
  command?: string;
  /** Cloud image (.ova) when the node spec names none; also $FLOTILLA_VIRTUALBOX_IMAGE. */
  image?: string;
  /**
   * Host-only interface (or, on macOS with VirtualBox 7, host-only network) for node traffic
   * (default: the first one, created if there is none).
   */
  hostOnlyAdapter?: string;
  /** The host's platform, which decides adapter or network (default: process.platform). */
  platform?: NodeJS.Platform;
  bootTimeoutMs?: number;
  pollMs?: number;
  env?: NodeJS.ProcessEnv;
}

export const SEED_CONTROLLER = 'Flotilla seed';
const INSTALL_HINT = 'Install VirtualBox from https://www.virtualbox.org/wiki/Downloads and try again.';

export function vmName(cluster: string, node: string): string {
  const name = `flotilla-${cluster}-${node}`;
  return name.length <= 63
    ? name
    : `flotilla-${createHash('sha256').update(`${cluster}/${node}`).digest('hex').slice(0, 16)}`;
}

export class VirtualBoxProvider implements NodeProvider {
  readonly name = 'virtualbox' as const;
  private readonly command: string;
  private readonly bootTimeoutMs: number;
  private readonly pollMs: number;

  constructor(private readonly options: VirtualBoxProviderOptions = {}) {
    this.command = options.command ?? 'VBoxManage';
    this.bootTimeoutMs = options.bootTimeoutMs ?? 10 * 60_000;
    this.pollMs = options.pollMs ?? 2_000;
  }

  async detect(): Promise<ProviderDetection> {
    let result: ToolResult;
    try {
      result = await runTool(this.command, ['--version'], { timeoutMs: 30_000, env: this.options.env });
    } catch (error) {
      if (error instanceof ToolMissingError)
        return { available: false, reason: 'VirtualBox is not installed', hint: INSTALL_HINT };
      throw error;
    }
    const version = parseVersion(result.stdout);
    // On Linux VBoxManage prints a warning (and still a version) when its kernel driver is missing.
    if (
      result.code !== 0 ||
      !version ||
      /vboxdrv|kernel (module|driver)/i.test(result.stdout + result.stderr)
    )
      return {
        available: false,
        version,
        reason: `VirtualBox cannot run VMs here: ${(result.stderr || result.stdout).trim().split('\n')[0]}`,
        hint: 'Reinstall VirtualBox or load its kernel driver (`sudo /sbin/vboxconfig` on Linux).',
      };
    return { available: true, version };
  }

  async createNode(spec: ProviderNodeSpec, ctx: ProvisionContext): Promise<ProvisionedNode> {
    const vm = vmName(ctx.cluster, spec.name);
    const image = this.imageFor(spec);
    const files = prepareVmNode(ctx, spec.name, { iso: true, networkConfig: true });
    const consoleFile = join(files.nodeDir, 'console.log');
    let imported = false;
    const node: ProvisionedNode = {
      name: spec.name,
      provider: 'virtualbox',
      address: '',
      sshPort: 22,
      sshUser: 'root',
      hostKey: files.hostPublicKey,
      apiServerAddress: '',
      agent: { ...VM_AGENT_DEFAULTS },
      state: { vm, nodeDir: files.nodeDir, consoleFile },
    };
    try {
      const network = await this.hostNetwork(ctx);
      if (network.kind === 'hostonlyif') node.state.hostOnlyAdapter = network.name;
      else node.state.hostOnlyNetwork = network.name;
      ctx.progress(`importing ${image} as ${vm}`);
      await this.must(
        'create VM',
        vm,
        [
          'import',
          image,
          '--vsys',
          '0',
          '--vmname',
          vm,
          // VirtualBox resizes VDI and VHD images only, not the .ova's VMDK.
          '--options',
          'importtovdi',
          '--cpus',
          String(spec.cpus),
          '--memory',
          String(spec.memoryMiB),
          '--basefolder',
          join(files.nodeDir, 'vm'),
        ],
        ctx.signal,
      );
      imported = true;
      await this.growDisk(vm, spec.diskGiB, ctx);
      await this.must(
        'create VM',
        vm,
        [
          'modifyvm',
          vm,
          '--nic1',
          'nat',
          '--nic2',
          ...(network.kind === 'hostonlyif'
            ? ['hostonly', '--hostonlyadapter2', network.name]
            : ['hostonlynet', '--host-only-net2', network.name]),
          '--uart1',
          '0x3F8',
          '4',
          '--uartmode1',
          'file',
          consoleFile,
        ],
        ctx.signal,
      );
      await this.must(
        'create VM',
        vm,
        [
          'storagectl',
          vm,
          '--name',
          SEED_CONTROLLER,
          '--add',
          'sata',
          '--controller',
          'IntelAhci',
          '--portcount',
          '1',
        ],
        ctx.signal,
      );
      await this.must(
        'create VM',
        vm,
        [
          'storageattach',
          vm,
          '--storagectl',
          SEED_CONTROLLER,
          '--port',
          '0',
          '--device',
          '0',
          '--type',
          'dvddrive',
          '--medium',
          files.seed.isoFile!,
        ],
        ctx.signal,
      );
      return await this.boot(node, ctx, true);
    } catch (error) {
      const details = await this.consoleLog(node).catch(() => '');
      // Someone else's VM of that name is not ours to delete.
      if (imported || !(error instanceof ProvisionError && isNameTaken(error.message))) await this.remove(vm);
      rmSync(files.nodeDir, { recursive: true, force: true });
      if (error instanceof ProvisionError)
        throw new ProvisionError(
          error.step,
          error.message,
          error.hint,
          error.details ?? (details || undefined),
        );
      throw error;
    }
  }

  async startNode(node: ProvisionedNode, ctx: ProvisionContext): Promise<ProvisionedNode> {
    return this.boot(node, ctx, false);
  }

  async stopNode(node: ProvisionedNode, ctx: ProvisionContext): Promise<void> {
    const vm = vmOf(node);
    if ((await this.vmState(vm, ctx.signal)) !== 'running') return;
    // A clean shutdown first (ACPI), then pull the plug if the guest ignores it.
    await this.run(['controlvm', vm, 'acpipowerbutton'], ctx.signal);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if ((await this.vmState(vm, ctx.signal)) !== 'running') return;
      await sleep(this.pollMs, ctx.signal);
    }
    await this.must('stop VM', vm, ['controlvm', vm, 'poweroff'], ctx.signal);
  }

  async deleteNode(node: ProvisionedNode, ctx: ProvisionContext): Promise<void> {
    await this.remove(vmOf(node), ctx.signal, true);
    if (typeof node.state.nodeDir === 'string') rmSync(node.state.nodeDir, { recursive: true, force: true });
  }

  async address(node: ProvisionedNode, ctx: ProvisionContext): Promise<string> {
    const ip = await this.currentAddress(vmOf(node), ctx.signal);
    if (!ip) throw new ProvisionError('address', `${vmOf(node)} has no address on the host-only network`);
    return ip;
  }

  /** The serial console (uart1 to a file). */
  async consoleLog(node: ProvisionedNode): Promise<string> {
    const file = node.state.consoleFile;
    if (typeof file !== 'string' || !existsSync(file)) return '';
    return readFileSync(file, 'utf8').split('\n').slice(-200).join('\n');
  }

  private imageFor(spec: ProviderNodeSpec): string {
    const image =
      (typeof spec.options?.image === 'string' ? spec.options.image : undefined) ??
      this.options.image ??
      process.env.FLOTILLA_VIRTUALBOX_IMAGE;
    if (!image || !existsSync(image))
      throw new ProvisionError(
        'create VM',
        image
          ? `the cloud image ${image} does not exist`
          : 'VirtualBox nodes need an Ubuntu cloud image (.ova)',
        'Download ubuntu-24.04-server-cloudimg-amd64.ova from https://cloud-images.ubuntu.com/releases/24.04/release/ and give its path as the image option (or FLOTILLA_VIRTUALBOX_IMAGE).',
      );
    return image;
  }

  /** The imported disk grown to the node's size; an image already as large stays as it is. */
  private async growDisk(vm: string, diskGiB: number, ctx: ProvisionContext): Promise<void> {
    const disk = attachedDisks(await this.vmInfo(vm, ctx.signal))[0];
    if (!disk) throw new ProvisionError('create VM', `the image imported as ${vm} has no hard disk`);
    ctx.progress(`growing ${vm}'s disk to ${diskGiB} GiB`);
    const result = await this.run(
      ['modifymedium', 'disk', disk.path, '--resize', String(diskGiB * 1024)],
      ctx.signal,
    );
    if (result.code !== 0 && !/shrink/i.test(result.stderr)) throw vboxError('create VM', vm, result.stderr);
  }

  private kind: Promise<HostNetworkKind> | undefined;

  /** Adapter or network: by platform and the installed VirtualBox's version (asked once). */
  private networkKind(signal?: AbortSignal): Promise<HostNetworkKind> {
    this.kind ??= this.run(['--version'], signal).then((r) =>
      hostNetworkKind(this.options.platform ?? process.platform, parseVersion(r.stdout)),
    );
    return this.kind;
  }

  private async hostNetwork(ctx: ProvisionContext): Promise<{ kind: HostNetworkKind; name: string }> {
    const kind = await this.networkKind(ctx.signal);
    if (this.options.hostOnlyAdapter) return { kind, name: this.options.hostOnlyAdapter };
    const what = 'host-only network';
    const list = async () =>
      kind === 'hostonlyif'
        ? parseHostOnlyInterfaces(
            (await this.must('create VM', what, ['list', 'hostonlyifs'], ctx.signal)).stdout,
          )
        : parseHostOnlyNetworks(
            (await this.must('create VM', what, ['list', 'hostonlynets'], ctx.signal)).stdout,
          );
    const existing = await list();
    if (existing[0]) return { kind, name: existing[0].name };
    ctx.progress('creating a host-only network');
    const n = DEFAULT_HOST_ONLY_NET;
    await this.must(
      'create VM',
      what,
      kind === 'hostonlyif'
        ? ['hostonlyif', 'create']
        : [
            'hostonlynet',
            'add',
            '--name',
            n.name,
            '--netmask',
            n.netmask,
            '--lower-ip',
            n.lowerIp,
            '--upper-ip',
            n.upperIp,
            '--enable',
          ],
      ctx.signal,
    );
    const created = await list();
    if (!created[0]) throw new ProvisionError('create VM', 'VirtualBox created no host-only network');
    return { kind, name: created[0].name };
  }

  private async boot(
    node: ProvisionedNode,
    ctx: ProvisionContext,
    firstBoot: boolean,
  ): Promise<ProvisionedNode> {
    const vm = vmOf(node);
    if ((await this.vmState(vm, ctx.signal)) !== 'running') {
      ctx.progress(`starting ${vm}`);
      await this.must('boot', vm, ['startvm', vm, '--type', 'headless'], ctx.signal);
    }
    const deadline = Date.now() + this.bootTimeoutMs;
    let address: string | undefined;
    for (;;) {
      const state = await this.vmState(vm, ctx.signal);
      if (state !== 'running' && state !== 'starting')
        throw new ProvisionError(
          'boot',
          `${vm} stopped while booting (state ${state})`,
          'See the console log below.',
        );
      address = await this.currentAddress(vm, ctx.signal);
      if (address) break;
      if (Date.now() > deadline)
        throw new ProvisionError(
          'boot',
          `${vm} got no address on the host-only network within ${Math.round(this.bootTimeoutMs / 1000)} s`,
          'The VM did not finish booting or its second network card got no DHCP lease; see the console log below.',
        );
      ctx.progress(`waiting for ${vm} to get an address`);
      await sleep(this.pollMs, ctx.signal);
    }
    return bootedNode(node, address, { deadline, firstBoot, ctx });
  }

  private async vmInfo(vm: string, signal?: AbortSignal): Promise<Record<string, string>> {
    const result = await this.run(['showvminfo', vm, '--machinereadable'], signal);
    if (result.code !== 0) throw vboxError('boot', vm, result.stderr);
    return parseMachineReadable(result.stdout);
  }

  private async vmState(vm: string, signal?: AbortSignal): Promise<string> {
    return (await this.vmInfo(vm, signal)).VMState ?? 'unknown';
  }

  /** NIC 2's address: from Guest Additions if the image has them, else the DHCP lease. */
  private async currentAddress(vm: string, signal?: AbortSignal): Promise<string | undefined> {
    const property = await this.run(
      ['guestproperty', 'get', vm, '/VirtualBox/GuestInfo/Net/1/V4/IP'],
      signal,
    );
    const fromGuest = property.code === 0 ? parseGuestProperty(property.stdout) : undefined;
    if (fromGuest) return fromGuest;
    const info = await this.vmInfo(vm, signal);
    const mac = info.macaddress2;
    const adapter = info.hostonlyadapter2;
    const network = info['hostonly-network2'];
    if (!mac || (!adapter && !network)) return undefined;
    const dhcp = adapter ? `--interface=${adapter}` : `--network=${await this.networkName(network!, signal)}`;
    const lease = await this.run(['dhcpserver', 'findlease', dhcp, `--mac-address=${colonMac(mac)}`], signal);
    return lease.code === 0 ? parseLease(lease.stdout) : undefined;
  }

  private async networkName(network: string, signal?: AbortSignal): Promise<string> {
    const listed = await this.run(['list', 'hostonlynets'], signal);
    const found = parseHostOnlyNetworks(listed.stdout).find((n) => n.name === network);
    return found?.networkName ?? hostOnlyNetNetworkName(network);
  }

  /** Powers off and unregisters the VM with its disks; a VM that is gone already is fine. */
  private async remove(vm: string, signal?: AbortSignal, strict = false): Promise<void> {
    await this.run(['controlvm', vm, 'poweroff'], signal).catch(() => undefined);
    const result = await this.run(['unregistervm', vm, '--delete'], signal).catch(() => undefined);
    if (strict && result && result.code !== 0 && !isMissingVm(result.stderr))
      throw vboxError('delete VM', vm, result.stderr);
  }

  private async must(step: string, vm: string, args: string[], signal?: AbortSignal): Promise<ToolResult> {
    const result = await this.run(args, signal);
    if (result.code !== 0) throw vboxError(step, vm, result.stderr);
    return result;
  }

  private async run(args: string[], signal?: AbortSignal): Promise<ToolResult> {
    try {
      return await runTool(this.command, args, { signal, env: this.options.env });
    } catch (error) {
      if (error instanceof ToolMissingError)
        throw new ProvisionError('create VM', 'VirtualBox is not installed', INSTALL_HINT);
      throw error;
    }
  }
}

function vmOf(node: ProvisionedNode): string {
  const vm = node.state.vm;
  if (typeof vm !== 'string')
    throw new ProvisionError('address', `node ${node.name} has no VirtualBox VM recorded`);
  return vm;
}
