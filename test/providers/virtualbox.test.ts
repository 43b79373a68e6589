// The VirtualBox provider against test/fakes/VBoxManage: import, NICs, serial console, the seed
// ISO (which the fake reads back with isoinfo), startvm, the address from guest properties or
// the DHCP lease, every failure as a ProvisionError with step and hint and nothing left behind.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentApiServerAddress } from '../../control-plane/cluster/node-address.ts';
import { bridgeName } from '../../control-plane/provision/netns/names.ts';
import { nthAddress } from '../../control-plane/provision/netns/subnet.ts';
import { ProvisionError, type ProvisionedNode } from '../../control-plane/provision/provider.ts';
import {
  SEED_CONTROLLER,
  VirtualBoxProvider,
  vmName,
} from '../../control-plane/provision/virtualbox/provider.ts';
import { netnsSkipReason } from '../helpers/netns.ts';
import { FAKES_DIR, hasIsoinfo, providerFixture, sshRun, type ProviderFixture } from './fixtures.ts';

const skip = netnsSkipReason() ?? (hasIsoinfo() ? undefined : 'no isoinfo (genisoimage)');

describe.skipIf(skip)('VirtualBox provider (fake VBoxManage, netns VMs)', () => {
  let f: ProviderFixture;
  let image: string;
  const provider = (env: NodeJS.ProcessEnv = {}, bootTimeoutMs = 120_000) =>
    new VirtualBoxProvider({
      command: join(FAKES_DIR, 'VBoxManage'),
      env: { ...f.env, ...env },
      image,
      bootTimeoutMs,
      pollMs: 200,
    });
  const spec = (name: string, index: number) => ({ name, index, cpus: 2, memoryMiB: 2048, diskGiB: 10 });
  const vms = () => {
    const dir = join(f.stateDir, 'vms');
    return existsSync(dir) ? readdirSync(dir).map((file) => file.replace(/\.json$/, '')) : [];
  };

  beforeAll(async () => {
    f = await providerFixture();
    image = join(f.stateDir, 'ubuntu-24.04-server-cloudimg-amd64.ova');
    writeFileSync(image, 'not really an appliance');
  });
  afterAll(async () => {
    await f?.cleanup();
  });

  it('detects VirtualBox and its version, and explains when it is missing', async () => {
    expect(await provider().detect()).toEqual({ available: true, version: '7.0.14' });
    const missing = await new VirtualBoxProvider({ command: '/nonexistent/VBoxManage' }).detect();
    expect(missing).toMatchObject({ available: false, reason: 'VirtualBox is not installed' });
  });

  it('creates two nodes in parallel on one host-only network, reachable with their pinned keys', async () => {
    const p = provider();
    const [a, b] = await Promise.all([
      p.createNode(spec('node-1', 1), f.ctx),
      p.createNode(spec('node-2', 2), f.ctx),
    ]);
    const vm = vmName(f.cluster, 'node-1');
    const nodeDir = join(f.clusterDir, 'nodes', 'node-1');
    const calls = f.calls().filter((argv) => argv.includes(vm));
    expect(calls.find((argv) => argv[0] === 'import')).toEqual([
      'import',
      image,
      '--vsys',
      '0',
      '--vmname',
      vm,
      '--options',
      'importtovdi',
      '--cpus',
      '2',
      '--memory',
      '2048',
      '--basefolder',
      join(nodeDir, 'vm'),
    ]);
    const adapter = a!.state.hostOnlyAdapter;
    expect(adapter).toBe('vboxnet0');
    expect(b!.state.hostOnlyAdapter).toBe('vboxnet0');
    expect(calls.find((argv) => argv[0] === 'modifyvm')).toEqual([
      'modifyvm',
      vm,
      '--nic1',
      'nat',
      '--nic2',
      'hostonly',
      '--hostonlyadapter2',
      'vboxnet0',
      '--uart1',
      '0x3F8',
      '4',
      '--uartmode1',
      'file',
      join(nodeDir, 'console.log'),
    ]);
    expect(calls.find((argv) => argv[0] === 'storageattach')).toEqual([
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
      join(nodeDir, 'cloud-init', 'seed.iso'),
    ]);
    expect(calls.find((argv) => argv[0] === 'startvm')).toEqual(['startvm', vm, '--type', 'headless']);
    // The node's disk size (10 GiB) is applied to the imported VDI before the first boot.
    const disk = join(nodeDir, 'vm', vm, `${vm}-disk001.vdi`);
    const resize = f.calls().findIndex((argv) => argv[0] === 'modifymedium' && argv[2] === disk);
    expect(f.calls()[resize]).toEqual(['modifymedium', 'disk', disk, '--resize', '10240']);
    expect(resize).toBeLessThan(f.calls().findIndex((argv) => argv[0] === 'startvm' && argv[1] === vm));
    for (const node of [a!, b!]) {
      expect(node).toMatchObject({ provider: 'virtualbox', sshUser: 'root' });
      expect(await sshRun(node, f.clusterDir, 'id -u')).toBe('0\n');
      expect(node.apiServerAddress).toMatch(/^10\.240\.\d+\.1$/);
    }
    expect(await p.consoleLog(a!)).toMatch(/Linux version/);
    await Promise.all([p.deleteNode(a!, f.ctx), p.deleteNode(b!, f.ctx)]);
    expect(vms()).toEqual([]);
    expect(f.calls().at(-1)?.[0]).toBe('unregistervm');
  });

  it('without Guest Additions the address comes from the DHCP lease; stop, start and delete', async () => {
    const p = provider({ FAKE_VBOX_NO_GUEST_ADDITIONS: '1' });
    let node: ProvisionedNode = await p.createNode(spec('node-3', 3), f.ctx);
    const vm = vmName(f.cluster, 'node-3');
    expect(f.calls().some((argv) => argv[0] === 'dhcpserver' && argv.includes('--interface=vboxnet0'))).toBe(
      true,
    );
    expect(await p.address(node, f.ctx)).toBe(node.address);
    await p.stopNode(node, f.ctx);
    expect(f.calls().some((argv) => argv.join(' ') === `controlvm ${vm} acpipowerbutton`)).toBe(true);
    node = await p.startNode(node, f.ctx);
    expect(await sshRun(node, f.clusterDir, 'echo up')).toBe('up\n');
    await p.deleteNode(node, f.ctx);
    await p.deleteNode(node, f.ctx); // gone already: fine
    expect(vms()).toEqual([]);
  });

  it('grows the disk to the size asked for', async () => {
    const p = provider();
    const node = await p.createNode({ ...spec('node-4', 4), diskGiB: 25 }, f.ctx);
    const vm = vmName(f.cluster, 'node-4');
    const disk = join(f.clusterDir, 'nodes', 'node-4', 'vm', vm, `${vm}-disk001.vdi`);
    expect(f.calls()).toContainEqual(['modifymedium', 'disk', disk, '--resize', String(25 * 1024)]);
    expect(await sshRun(node, f.clusterDir, 'echo up')).toBe('up\n');
    await p.deleteNode(node, f.ctx);
  });

  it('on macOS with VirtualBox 7 the nodes share a host-only network, not an adapter', async () => {
    const mac = { FAKE_VBOX_PLATFORM: 'darwin', FAKE_VBOX_VERSION: '7.1.4r165100' };
    const p = new VirtualBoxProvider({
      command: join(FAKES_DIR, 'VBoxManage'),
      env: { ...f.env, ...mac, FAKE_VBOX_NO_GUEST_ADDITIONS: '1' },
      image,
      platform: 'darwin',
      bootTimeoutMs: 120_000,
      pollMs: 200,
    });
    const before = f.calls().length;
    const node = await p.createNode(spec('mac-1', 5), f.ctx);
    const vm = vmName(f.cluster, 'mac-1');
    const calls = f.calls().slice(before);
    expect(calls.map((argv) => argv.slice(0, 2).join(' '))).not.toContain('hostonlyif create');
    expect(calls).toContainEqual([
      'hostonlynet',
      'add',
      '--name',
      'flotilla',
      '--netmask',
      '255.255.255.0',
      '--lower-ip',
      '192.168.56.100',
      '--upper-ip',
      '192.168.56.199',
      '--enable',
    ]);
    const modify = calls.find((argv) => argv[0] === 'modifyvm' && argv[1] === vm)!;
    expect(modify.slice(2, 6)).toEqual(['--nic1', 'nat', '--nic2', 'hostonlynet']);
    expect(modify.slice(6, 8)).toEqual(['--host-only-net2', 'flotilla']);
    expect(node.state.hostOnlyNetwork).toBe('flotilla');
    // Without Guest Additions the lease comes from the network's DHCP server.
    expect(
      calls.some((argv) => argv[0] === 'dhcpserver' && argv.includes('--network=hostonly-flotilla')),
    ).toBe(true);
    expect(await p.address(node, f.ctx)).toBe(node.address);
    expect(await sshRun(node, f.clusterDir, 'echo up')).toBe('up\n');
    await p.deleteNode(node, f.ctx);
  });

  it("a changed host address on the host-only network is the node's new way to the API server", async () => {
    const p = provider();
    const node = await p.createNode(spec('moved', 6), f.ctx);
    const privateKey = readFileSync(join(f.clusterDir, 'ssh', 'id_ed25519'), 'utf8');
    expect(await currentApiServerAddress(node, privateKey)).toBe(node.apiServerAddress);
    // The host's end of the network gets another address (as after the host slept and
    // VirtualBox set its host-only interface up again), and the host talks from it.
    const { subnet } = JSON.parse(readFileSync(join(f.stateDir, 'network.json'), 'utf8')) as {
      subnet: string;
    };
    const bridge = bridgeName(f.fakeHost.network);
    const moved = nthAddress(subnet, 250);
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
    ip('addr', 'add', `${moved}/${subnet.split('/')[1]}`, 'dev', bridge);
    try {
      ip('route', 'replace', subnet, 'dev', bridge, 'src', moved);
      expect(await currentApiServerAddress(node, privateKey)).toBe(moved);
    } finally {
      ip('route', 'replace', subnet, 'dev', bridge, 'src', node.apiServerAddress);
      ip('addr', 'del', `${moved}/${subnet.split('/')[1]}`, 'dev', bridge);
    }
    await p.deleteNode(node, f.ctx);
  });

  const failures: [string, string, RegExp, RegExp][] = [
    ['out-of-disk', 'create VM', /no disk space/, /Free disk space/],
    ['vt-x-disabled', 'boot', /VT-x\/AMD-V/, /firmware/],
  ];
  it.each(failures)('%s: ProvisionError at %s and the VM is removed', async (mode, step, message, hint) => {
    const error = await provider({ FAKE_VBOX_FAIL: mode })
      .createNode(spec('bad', 9), f.ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisionError);
    expect(error).toMatchObject({
      step,
      message: expect.stringMatching(message),
      hint: expect.stringMatching(hint),
    });
    expect(vms()).toEqual([]);
    expect(existsSync(join(f.clusterDir, 'nodes', 'bad'))).toBe(false);
  });

  it('a taken name is reported and the other VM is not touched', async () => {
    const before = f.calls().length;
    const error = await provider({ FAKE_VBOX_FAIL: 'name-taken' })
      .createNode(spec('taken', 9), f.ctx)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ step: 'create VM', message: expect.stringMatching(/already exists/) });
    expect(
      f
        .calls()
        .slice(before)
        .map((argv) => argv[0]),
    ).not.toContain('unregistervm');
  });

  it('a VM stuck starting fails the boot step with its serial console attached', async () => {
    const error = await provider({ FAKE_VBOX_FAIL: 'stuck-starting' }, 3_000)
      .createNode(spec('stuck', 9), f.ctx)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ step: 'boot', message: expect.stringMatching(/no address/) });
    expect((error as ProvisionError).details).toMatch(/stuck starting/);
    expect(vms()).toEqual([]);
  });
});
