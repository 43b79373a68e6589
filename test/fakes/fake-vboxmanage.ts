// A fake `VBoxManage` for tests (run through the `VBoxManage` script beside this file). It
// follows the command line and output formats of VirtualBox 7.0's manual, chapter 8
// (https://www.virtualbox.org/manual/ch08.html):
//   --version                              "7.0.14r161095"
//   showvminfo NAME --machinereadable      key="value" lines (VMState, nicN, hostonlyadapterN, macaddressN, uartmode1)
//   guestproperty get NAME PROP            "Value: 192.168.56.101" | "No value set!"
//   dhcpserver findlease --interface= --mac-address=   "IP Address:  ..." (VirtualBox 6.1+)
//   list hostonlyifs / hostonlyif create   "Name:  vboxnet0" blocks / "Interface 'vboxnet0' was successfully created"
//   list hostonlynets / hostonlynet add --name --netmask --lower-ip --upper-ip [--enable]   (7.0+:
//                                          "Name:" / "LowerIP:" / "VBoxNetworkName: hostonly-NAME" blocks);
//                                          NIC `--nic2 hostonlynet --host-only-net2 NAME`,
//                                          showvminfo `hostonly-network2="NAME"`, findlease --network=
//   import --options importtovdi            the appliance's disk as "<basefolder>/<vm>/<vm>-disk001.vdi"
//                                          (else .vmdk) on "SATA Controller-0-0", 10240 MiB like Ubuntu's
//   modifymedium disk PATH --resize MiB     VDI/VHD only ("Resize medium operation for this format is not
//                                          implemented yet!" for VMDK), never smaller, never while running
//   errors: "VBoxManage: error: <text>" lines on stderr, exit 1, with VERR_ codes (VERR_DISK_FULL,
//   VERR_VMX_MSR_ALL_VMX_DISABLED) and "Could not find a registered machine named 'X'".
// `startvm` boots a real netns node (fake-vm.ts) from the user-data on the attached seed ISO,
// read with the real `isoinfo -J -x /user-data`, and writes a few console lines to the uart file.
//
// Environment:
//   FAKE_VBOX_STATE  state directory (VMs, host-only interfaces, VM nodes); default /tmp/fake-vbox
//   FAKE_VBOX_LOG    where to append each invocation as a JSON line; default STATE/calls.jsonl
//   FAKE_VBOX_FAIL   name-taken | out-of-disk (import fails) | vt-x-disabled (startvm fails) |
//                    stuck-starting (the VM runs but never gets an address)
//   FAKE_VBOX_NO_GUEST_ADDITIONS=1   no guest properties: the address comes from the DHCP lease
//   FAKE_VBOX_VERSION    what --version prints (default 7.0.14r161095)
//   FAKE_VBOX_PLATFORM   the "host" (default linux): on darwin with 7.x, `hostonlyif create` fails as
//                        on macOS VirtualBox 7 (no /dev/vboxnetctl); hostonlynet exists on 7.x only
//   FAKE_VM_NETWORK, FAKE_VM_IMAGES  as for fake-vm.ts
// State files tests may drop (the supervisor runs detached, so its environment is fixed):
//   STATE/slept-NAME   the host slept: on the next address query (guest property or lease) the VM
//                      has a new address; if the file says "host-moved", the host's end of the
//                      host-only network got another address too (added to the bridge, and the
//                      host talks to the VMs from it). The file is then removed.
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { bridgeName } from '../../control-plane/provision/netns/names.ts';
import { nthAddress } from '../../control-plane/provision/netns/subnet.ts';
import { bootVm, ensureNetwork, fakeHost, recordCall, renumberVm, shutdownVm, withLock } from './fake-vm.ts';

interface Vm {
  name: string;
  state: 'poweroff' | 'running';
  index: number;
  cpus: string;
  memory: string;
  image: string;
  basefolder: string;
  settings: Record<string, string>;
  media: Record<string, string>;
  /** Hard disk image path to its size in MiB. */
  disks?: Record<string, number>;
  mac2: string;
  ip?: string;
}

const host = fakeHost('FAKE_VBOX_STATE', '/tmp/fake-vbox');
const argv = process.argv.slice(2);
recordCall(host, 'FAKE_VBOX_LOG', argv);
const failure = process.env.FAKE_VBOX_FAIL;
const version = process.env.FAKE_VBOX_VERSION ?? '7.0.14r161095';
const major = Number(version.split('.')[0]);
const platform = process.env.FAKE_VBOX_PLATFORM ?? 'linux';

class CliError extends Error {}

const vmsDir = join(host.stateDir, 'vms');
mkdirSync(vmsDir, { recursive: true });
const fileOf = (name: string) => join(vmsDir, `${name}.json`);
const load = (name: string): Vm | undefined =>
  existsSync(fileOf(name)) ? (JSON.parse(readFileSync(fileOf(name), 'utf8')) as Vm) : undefined;
const save = (vm: Vm) => writeFileSync(fileOf(vm.name), JSON.stringify(vm, null, 2));
const all = (): Vm[] =>
  readdirSync(vmsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => load(f.slice(0, -5))!)
    .filter(Boolean);

function mustLoad(name: string | undefined): Vm {
  const vm = name ? load(name) : undefined;
  if (!vm)
    throw new CliError(
      `Could not find a registered machine named '${name}'\nDetails: code VBOX_E_OBJECT_NOT_FOUND (0x80bb0001), component VirtualBoxWrap, interface IVirtualBox, callee nsISupports`,
    );
  return vm;
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function hostOnlyIfs(): { name: string; ip: string }[] {
  const file = join(host.stateDir, 'hostonlyifs.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
}

interface HostOnlyNet {
  name: string;
  netmask: string;
  lowerIp: string;
  upperIp: string;
}

function hostOnlyNets(): HostOnlyNet[] {
  const file = join(host.stateDir, 'hostonlynets.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
}

async function hostonlynet(args: string[]): Promise<void> {
  if (major < 7) throw new CliError(`Syntax error: Invalid command 'hostonlynet'`);
  if (args[0] !== 'add') throw new CliError(`fake: unsupported hostonlynet ${args[0]}`);
  const net = {
    name: option(args, '--name') ?? '',
    netmask: option(args, '--netmask') ?? '',
    lowerIp: option(args, '--lower-ip') ?? '',
    upperIp: option(args, '--upper-ip') ?? '',
  };
  if (Object.values(net).some((v) => !v))
    throw new CliError('Syntax error: hostonlynet add needs --name, --netmask, --lower-ip and --upper-ip');
  const list = hostOnlyNets();
  if (list.some((n) => n.name === net.name))
    throw new CliError(`Host-only network '${net.name}' already exists`);
  await withLock(host, () => ensureNetwork(host));
  writeFileSync(join(host.stateDir, 'hostonlynets.json'), JSON.stringify([...list, net]));
}

function modifymedium(args: string[]): void {
  const [type, path] = args;
  const size = Number(option(args, '--resize'));
  if (type !== 'disk' || !path || !Number.isInteger(size) || size <= 0)
    throw new CliError('Syntax error: modifymedium disk <filename|uuid> --resize <megabytes>');
  const vm = all().find((v) => v.disks?.[path] !== undefined);
  if (!vm) throw new CliError(`Could not find file for the medium '${path}' (VERR_FILE_NOT_FOUND)`);
  if (!/\.(vdi|vhd)$/i.test(path))
    throw new CliError(
      `Resize medium operation for this format is not implemented yet!\nDetails: code VBOX_E_NOT_SUPPORTED (0x80bb0009), component MediumWrap, interface IMedium`,
    );
  if (vm.state === 'running')
    throw new CliError(`Cannot resize medium '${path}' because it is locked for writing by a running VM`);
  if (size < vm.disks![path]!)
    throw new CliError(`Shrinking is not yet supported for medium '${path}' (VBOX_E_NOT_SUPPORTED)`);
  process.stdout.write('0%...10%...20%...30%...40%...50%...60%...70%...80%...90%...100%\n');
  vm.disks![path] = size;
  save(vm);
}

async function importAppliance(args: string[]): Promise<void> {
  const [image] = args;
  const name = option(args, '--vmname')!;
  if (!image || !existsSync(image)) throw new CliError(`File ${image} does not exist (VERR_FILE_NOT_FOUND)`);
  const basefolder = option(args, '--basefolder') ?? join(host.stateDir, 'VirtualBox VMs');
  if (failure === 'name-taken' || load(name))
    throw new CliError(
      `Appliance import failed\nMachine settings file '${join(basefolder, name, `${name}.vbox`)}' already exists`,
    );
  if (failure === 'out-of-disk')
    throw new CliError(
      `Appliance import failed\nCould not create the imported medium '${join(basefolder, name, 'disk001.vmdk')}'.\nVMDK: cannot write allocated data block in '${join(basefolder, name, 'disk001.vmdk')}' (VERR_DISK_FULL)`,
    );
  process.stdout.write(
    '0%...10%...20%...30%...40%...50%...60%...70%...80%...90%...100%\nSuccessfully imported the appliance.\n',
  );
  await withLock(host, async () => {
    const used = new Set(all().map((vm) => vm.index));
    let index = 1;
    while (used.has(index)) index++;
    mkdirSync(join(basefolder, name), { recursive: true });
    const vdi = args.includes('importtovdi') || args.includes('--options=importtovdi');
    const disk = join(basefolder, name, `${name}-disk001.${vdi ? 'vdi' : 'vmdk'}`);
    writeFileSync(disk, '');
    save({
      name,
      state: 'poweroff',
      index,
      cpus: option(args, '--cpus') ?? '1',
      memory: option(args, '--memory') ?? '1024',
      image,
      basefolder,
      settings: {},
      media: { 'SATA Controller-0-0': disk },
      disks: { [disk]: 10240 },
      mac2: `080027${index.toString(16).padStart(6, '0').toUpperCase()}`,
    });
  });
}

function modifyvm(args: string[]): void {
  const vm = mustLoad(args[0]);
  for (let i = 1; i < args.length; i++) {
    const key = args[i]!.replace(/^--/, '');
    if (key === 'uart1') {
      vm.settings.uart1 = `${args[i + 1]},${args[i + 2]}`;
      i += 2;
    } else if (key === 'uartmode1') {
      vm.settings.uartmode1 = `${args[i + 1]},${args[i + 2]}`;
      i += 2;
    } else {
      vm.settings[key] = args[i + 1]!;
      i += 1;
    }
  }
  save(vm);
}

function storageattach(args: string[]): void {
  const vm = mustLoad(args[0]);
  const controller = option(args, '--storagectl')!;
  const medium = option(args, '--medium')!;
  if (!existsSync(medium))
    throw new CliError(`Could not find file for the medium '${medium}' (VERR_FILE_NOT_FOUND)`);
  vm.media[`${controller}-${option(args, '--port')}-${option(args, '--device')}`] = medium;
  save(vm);
}

function consoleFile(vm: Vm): string | undefined {
  const mode = vm.settings.uartmode1;
  return mode?.startsWith('file,') ? mode.slice('file,'.length) : undefined;
}

function writeConsole(vm: Vm, line: string): void {
  const file = consoleFile(vm);
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, `${line}\n`);
  }
}

async function startvm(args: string[]): Promise<void> {
  const vm = mustLoad(args[0]);
  process.stdout.write(`Waiting for VM "${vm.name}" to power on...\n`);
  if (failure === 'vt-x-disabled')
    throw new CliError(
      'VT-x is disabled in the BIOS for all CPU modes (VERR_VMX_MSR_ALL_VMX_DISABLED)\nDetails: code NS_ERROR_FAILURE (0x80004005), component ConsoleWrap, interface IConsole',
    );
  writeConsole(vm, '[    0.000000] Linux version 6.8.0-fake (flotilla test VM)');
  if (failure === 'stuck-starting') {
    save({ ...vm, state: 'running' });
    writeConsole(vm, '[  120.000000] cloud-init: waiting for the network (fake VM stuck starting)');
    process.stdout.write(`VM "${vm.name}" has been successfully started.\n`);
    return;
  }
  const nic2 = vm.settings.nic2;
  const adapter = vm.settings.hostonlyadapter2;
  if (nic2 === 'hostonly' && !hostOnlyIfs().some((i) => i.name === adapter))
    throw new CliError(
      `Nonexistent host networking interface, name '${adapter}' (VERR_INTERNAL_ERROR)\nDetails: code NS_ERROR_FAILURE (0x80004005), component ConsoleWrap, interface IConsole`,
    );
  if (nic2 === 'hostonlynet' && !hostOnlyNets().some((n) => n.name === vm.settings['host-only-net2']))
    throw new CliError(`Host-only network '${vm.settings['host-only-net2']}' not found (VERR_NOT_FOUND)`);
  const seed = Object.values(vm.media).find((m) => m.endsWith('.iso'));
  if (!seed) throw new CliError('the fake VM has no seed ISO attached: it would boot without cloud-init');
  const userData = execFileSync('isoinfo', ['-J', '-x', '/user-data', '-i', seed], { encoding: 'utf8' });
  const subnet = await withLock(host, () => ensureNetwork(host));
  const node = await bootVm({ host, name: vm.name, index: vm.index, subnet, userData });
  save({ ...vm, state: 'running', ip: node.nodeIp });
  writeConsole(vm, `[    3.000000] cloud-init: enp0s8 ${node.nodeIp}; ssh host key pinned from user-data`);
  process.stdout.write(`VM "${vm.name}" has been successfully started.\n`);
}

async function controlvm(args: string[]): Promise<void> {
  const vm = mustLoad(args[0]);
  if (args[1] !== 'poweroff' && args[1] !== 'acpipowerbutton')
    throw new CliError(`fake: unsupported controlvm ${args[1]}`);
  if (vm.state !== 'running') throw new CliError(`Machine '${vm.name}' is not currently running`);
  await shutdownVm(host, vm.name);
  writeConsole(vm, '[  999.000000] reboot: Power down');
  save({ ...vm, state: 'poweroff', ip: undefined });
}

function showvminfo(args: string[]): void {
  const vm = mustLoad(args[0]);
  const lines = [
    `name="${vm.name}"`,
    `memory=${vm.memory}`,
    `cpus=${vm.cpus}`,
    `VMState="${vm.state}"`,
    `nic1="${vm.settings.nic1 ?? 'nat'}"`,
    `nic2="${vm.settings.nic2 ?? 'none'}"`,
    ...(vm.settings.hostonlyadapter2 ? [`hostonlyadapter2="${vm.settings.hostonlyadapter2}"`] : []),
    ...(vm.settings['host-only-net2'] ? [`hostonly-network2="${vm.settings['host-only-net2']}"`] : []),
    `macaddress2="${vm.mac2}"`,
    ...(vm.settings.uart1 ? [`uart1="${vm.settings.uart1}"`, `uartmode1="${vm.settings.uartmode1}"`] : []),
    ...Object.entries(vm.media).map(([slot, medium]) => `"${slot}"="${medium}"`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/** The host's end of the host-only network after a "host-moved" sleep. */
const MOVED_HOST_INDEX = 250;

async function wakeIfSlept(vm: Vm): Promise<Vm> {
  const slept = join(host.stateDir, `slept-${vm.name}`);
  if (vm.state !== 'running' || !existsSync(slept)) return vm;
  if (readFileSync(slept, 'utf8').trim() === 'host-moved') {
    const { subnet } = JSON.parse(readFileSync(join(host.stateDir, 'network.json'), 'utf8')) as {
      subnet: string;
    };
    const moved = nthAddress(subnet, MOVED_HOST_INDEX);
    const bridge = bridgeName(host.network);
    execFileSync('ip', ['addr', 'replace', `${moved}/${subnet.split('/')[1]}`, 'dev', bridge]);
    execFileSync('ip', ['route', 'replace', subnet, 'dev', bridge, 'src', moved]);
  }
  const woken = { ...vm, ip: await renumberVm(host, vm.name, vm.index) };
  save(woken);
  rmSync(slept, { force: true });
  return woken;
}

async function guestproperty(args: string[]): Promise<void> {
  const vm = await wakeIfSlept(mustLoad(args[1]));
  const ip = process.env.FAKE_VBOX_NO_GUEST_ADDITIONS ? undefined : vm.ip;
  process.stdout.write(
    args[2] === '/VirtualBox/GuestInfo/Net/1/V4/IP' && ip ? `Value: ${ip}\n` : 'No value set!\n',
  );
}

async function findlease(args: string[]): Promise<void> {
  const mac = args.find((a) => a.startsWith('--mac-address='))?.split('=')[1];
  const value = (name: string) => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
  const iface = value('--interface');
  const network = value('--network');
  const known =
    (iface !== undefined && hostOnlyIfs().some((i) => i.name === iface)) ||
    (network !== undefined && hostOnlyNets().some((n) => `hostonly-${n.name}` === network));
  if (!known) throw new CliError(`DHCP server does not exist (${iface ?? network})`);
  const found = all().find((v) => v.mac2.toLowerCase().match(/../g)!.join(':') === mac && v.ip);
  const vm = found && (await wakeIfSlept(found));
  if (!vm) throw new CliError(`Could not find a lease for ${mac}`);
  process.stdout.write(
    `IP Address:  ${vm.ip}\nMAC Address: ${mac}\nState:       acked\nIssued:      2026-01-01T00:00:00Z (1767225600)\nExpire:      2026-01-01T00:10:00Z (1767226200)\nTTL:         600 sec, currently 0 sec left\n`,
  );
}

async function main(): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case '--version':
      process.stdout.write(`${version}\n`);
      return;
    case 'import':
      return importAppliance(args);
    case 'modifyvm':
      return modifyvm(args);
    case 'storagectl':
      mustLoad(args[0]);
      return;
    case 'storageattach':
      return storageattach(args);
    case 'modifymedium':
      return modifymedium(args);
    case 'hostonlynet':
      return hostonlynet(args);
    case 'startvm':
      return startvm(args);
    case 'controlvm':
      return controlvm(args);
    case 'showvminfo':
      return showvminfo(args);
    case 'guestproperty':
      return guestproperty(args);
    case 'dhcpserver':
      return findlease(args);
    case 'unregistervm': {
      const vm = mustLoad(args[0]);
      if (vm.state === 'running')
        throw new CliError(`Cannot unregister the machine '${vm.name}' while it is locked`);
      rmSync(join(vm.basefolder, vm.name), { recursive: true, force: true });
      rmSync(fileOf(vm.name));
      return;
    }
    case 'list': {
      if (args[0] === 'hostonlynets') {
        if (major < 7) throw new CliError(`Syntax error: Invalid parameter 'hostonlynets'`);
        const nets = hostOnlyNets().map(
          (n) =>
            `Name:            ${n.name}\nGUID:            3e7b1a4c-2f1d-4c5e-9a7b-000000000001\nState:           Enabled\nNetworkMask:     ${n.netmask}\nLowerIP:         ${n.lowerIp}\nUpperIP:         ${n.upperIp}\nVBoxNetworkName: hostonly-${n.name}\n`,
        );
        process.stdout.write(nets.join('\n'));
        return;
      }
      if (args[0] !== 'hostonlyifs') throw new CliError(`fake: unsupported list ${args[0]}`);
      const blocks = hostOnlyIfs().map(
        (i) =>
          `Name:            ${i.name}\nGUID:            786f6276-656e-4074-8000-0a0027000000\nDHCP:            Disabled\nIPAddress:       ${i.ip}\nNetworkMask:     255.255.255.0\nStatus:          Up\nVBoxNetworkName: HostInterfaceNetworking-${i.name}\n`,
      );
      process.stdout.write(blocks.join('\n'));
      return;
    }
    case 'hostonlyif': {
      if (args[0] !== 'create') throw new CliError(`fake: unsupported hostonlyif ${args[0]}`);
      if (platform === 'darwin' && major >= 7)
        throw new CliError(
          'Failed to create the host-only adapter\nVBoxNetAdpCtl: Error while adding new interface: failed to open /dev/vboxnetctl: No such file or directory\nDetails: code NS_ERROR_FAILURE (0x80004005), component HostNetworkInterfaceWrap, interface IHostNetworkInterface',
        );
      const subnet = await withLock(host, () => ensureNetwork(host));
      const list = hostOnlyIfs();
      const name = `vboxnet${list.length}`;
      writeFileSync(
        join(host.stateDir, 'hostonlyifs.json'),
        JSON.stringify([...list, { name, ip: nthAddress(subnet, 1) }]),
      );
      process.stdout.write(
        `0%...10%...20%...30%...40%...50%...60%...70%...80%...90%...100%\nInterface '${name}' was successfully created\n`,
      );
      return;
    }
    default:
      throw new CliError(`fake VBoxManage: unsupported command ${command ?? '(none)'}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const text = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      text
        .split('\n')
        .map((line) => `VBoxManage: error: ${line}\n`)
        .join(''),
    );
    process.exit(1);
  },
);
