// A fake `multipass` CLI for tests (run through the `multipass` script beside this file).
// It follows the documented command line and output of Multipass 1.14:
//   https://documentation.ubuntu.com/multipass/en/latest/reference/command-line-interface/
//   version: "multipass   1.14.0\nmultipassd  1.14.0"
//   info --format json: {"errors":[],"info":{"NAME":{"state":"Running","ipv4":["10.x.y.z"],...}}}
//     (https://documentation.ubuntu.com/multipass/en/latest/reference/command-line-interface/info/)
//   launch/start/stop/delete/purge: silent on success; "<cmd> failed: <reason>" on stderr, exit 2.
// Error texts as users report them (https://github.com/canonical/multipass/issues/2456 "timed out
// waiting for response", #990; "instance \"x\" already exists", "does not exist").
// A launched instance is a real netns node (fake-vm.ts) booted from the --cloud-init file.
//
// Environment:
//   FAKE_MULTIPASS_STATE  state directory (instances, VM nodes, call log); default /tmp/fake-multipass
//   FAKE_MULTIPASS_LOG    where to append each invocation as a JSON line; default STATE/calls.jsonl
//   FAKE_MULTIPASS_FAIL   make `launch` fail: name-taken | out-of-disk | vt-x-disabled |
//                         launch-timeout (instance left behind, as multipass does) |
//                         stuck-starting (launch returns, the instance stays Starting without an IP)
//   FAKE_VM_NETWORK       name of the netns network the VMs share; FAKE_VM_IMAGES image archives (a:b)
//   FAKE_VM_FOREIGN_HOST_KEY=1  the VM answers SSH with a host key other than the one in user-data
// State files tests may drop (the supervisor runs detached, so its environment is fixed):
//   STATE/slept-NAME      the host slept: on the next `info` (or `start`) the instance has a new
//                         IPv4 (multipass reports the new DHCP lease), then the file is removed
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bootVm,
  ensureNetwork,
  fakeHost,
  recordCall,
  renumberVm,
  shutdownVm,
  withLock,
  type FakeHost,
} from './fake-vm.ts';

interface Instance {
  name: string;
  state: 'Running' | 'Stopped' | 'Starting';
  index: number;
  cpus: string;
  memory: string;
  disk: string;
  image: string;
  userData: string;
  ipv4: string[];
}

const host = fakeHost('FAKE_MULTIPASS_STATE', '/tmp/fake-multipass');
const argv = process.argv.slice(2);
recordCall(host, 'FAKE_MULTIPASS_LOG', argv);

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

const instancesDir = join(host.stateDir, 'instances');
mkdirSync(instancesDir, { recursive: true });
const fileOf = (name: string) => join(instancesDir, `${name}.json`);
const load = (name: string): Instance | undefined =>
  existsSync(fileOf(name)) ? (JSON.parse(readFileSync(fileOf(name), 'utf8')) as Instance) : undefined;
const save = (instance: Instance) => writeFileSync(fileOf(instance.name), JSON.stringify(instance, null, 2));
const all = (): Instance[] =>
  readdirSync(instancesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => load(f.slice(0, -5))!)
    .filter(Boolean);

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function positional(args: string[], withValue: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (withValue.includes(args[i]!)) i++;
    else if (!args[i]!.startsWith('-')) out.push(args[i]!);
  }
  return out;
}

function mustExist(command: string, name: string): Instance {
  const instance = load(name);
  if (!instance) throw new CliError(`${command} failed: instance "${name}" does not exist`);
  return instance;
}

async function start(instance: Instance, h: FakeHost): Promise<void> {
  const subnet = await withLock(h, () => ensureNetwork(h));
  const node = await bootVm({
    host: h,
    name: instance.name,
    index: instance.index,
    subnet,
    userData: instance.userData,
  });
  save({ ...instance, state: 'Running', ipv4: [node.nodeIp] });
  const slept = join(h.stateDir, `slept-${instance.name}`);
  if (existsSync(slept)) {
    save({ ...instance, state: 'Running', ipv4: [await renumberVm(h, instance.name, instance.index)] });
    rmSync(slept, { force: true });
  }
}

async function launch(args: string[]): Promise<void> {
  const name = option(args, '--name') ?? option(args, '-n');
  const cloudInit = option(args, '--cloud-init');
  if (!name) throw new CliError('launch failed: the fake needs --name');
  const failure = process.env.FAKE_MULTIPASS_FAIL;
  if (failure === 'name-taken' || load(name))
    throw new CliError(`launch failed: instance "${name}" already exists`);
  if (failure === 'out-of-disk')
    throw new CliError('launch failed: Not enough disk space available to create the instance');
  if (failure === 'vt-x-disabled')
    throw new CliError(
      'launch failed: CPU does not support KVM extensions.\nVT-x is disabled in the BIOS/firmware settings.',
    );
  const [image = 'lts'] = positional(args, [
    '--name',
    '-n',
    '--cpus',
    '-c',
    '--memory',
    '-m',
    '--disk',
    '-d',
    '--cloud-init',
    '--timeout',
    '--network',
  ]);
  const userData = cloudInit ? readFileSync(cloudInit, 'utf8') : '';
  const instance = await withLock(host, async () => {
    const used = new Set(all().map((i) => i.index));
    let index = 1;
    while (used.has(index)) index++;
    const created: Instance = {
      name,
      state: 'Starting',
      index,
      cpus: option(args, '--cpus') ?? '1',
      memory: option(args, '--memory') ?? '1G',
      disk: option(args, '--disk') ?? '5G',
      image,
      userData,
      ipv4: [],
    };
    save(created);
    return created;
  });
  if (failure === 'stuck-starting') return;
  if (failure === 'launch-timeout')
    throw new CliError(
      `launch failed: The following errors occurred:\n${name}: timed out waiting for response`,
    );
  await start(instance, host);
}

async function info(args: string[]): Promise<void> {
  const [name] = positional(args, ['--format']);
  if (option(args, '--format') !== 'json')
    throw new CliError('info failed: the fake only speaks --format json');
  let instance = mustExist('info', name!);
  const slept = join(host.stateDir, `slept-${instance.name}`);
  if (instance.state === 'Running' && existsSync(slept)) {
    instance = { ...instance, ipv4: [await renumberVm(host, instance.name, instance.index)] };
    save(instance);
    rmSync(slept, { force: true });
  }
  const entry = {
    cpu_count: instance.cpus,
    disks: { sda1: { total: '5116440064', used: '1478246400' } },
    image_hash: '0000000000000000000000000000000000000000000000000000000000000000',
    image_release: '24.04 LTS',
    ipv4: instance.state === 'Running' ? instance.ipv4 : [],
    load: instance.state === 'Running' ? [0.07, 0.03, 0] : [],
    memory: instance.state === 'Running' ? { total: 1007325184, used: 161677312 } : {},
    mounts: {},
    release: instance.state === 'Running' ? 'Ubuntu 24.04 LTS' : '',
    snapshot_count: '0',
    state: instance.state,
  };
  process.stdout.write(JSON.stringify({ errors: [], info: { [instance.name]: entry } }, null, 4) + '\n');
}

async function main(): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'version':
      process.stdout.write('multipass   1.14.0\nmultipassd  1.14.0\n');
      return;
    case 'launch':
      return launch(args);
    case 'info':
      return info(args);
    case 'start': {
      for (const name of positional(args, [])) {
        const instance = mustExist('start', name);
        if (instance.state !== 'Running') await start(instance, host);
      }
      return;
    }
    case 'stop': {
      for (const name of positional(args, [])) {
        const instance = mustExist('stop', name);
        await shutdownVm(host, name);
        save({ ...instance, state: 'Stopped', ipv4: [] });
      }
      return;
    }
    case 'delete': {
      if (!args.includes('--purge')) throw new CliError('delete failed: the fake only supports --purge');
      for (const name of positional(args, [])) {
        mustExist('delete', name);
        await shutdownVm(host, name);
        rmSync(fileOf(name), { force: true });
      }
      return;
    }
    case 'purge':
      return;
    default:
      throw new CliError(`fake multipass: unsupported command ${command ?? '(none)'}`, 1);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof CliError ? error.exitCode : 1);
  },
);
