// The Multipass provider against test/fakes/multipass: exact command lines, the documented
// JSON, every launch failure as a ProvisionError with step and hint (and nothing left
// behind), and real SSH into the booted node with the host key from our cloud-init.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MultipassProvider, instanceName } from '../../control-plane/provision/multipass/provider.ts';
import { ProvisionError, type ProvisionedNode } from '../../control-plane/provision/provider.ts';
import { netnsSkipReason } from '../helpers/netns.ts';
import { waitFor } from '../helpers/server.ts';
import { FAKES_DIR, providerFixture, sshRun, type ProviderFixture } from './fixtures.ts';

const skip = netnsSkipReason();

describe.skipIf(skip)('Multipass provider (fake multipass, netns VMs)', () => {
  let f: ProviderFixture;
  const provider = (env: NodeJS.ProcessEnv = {}, bootTimeoutMs = 120_000) =>
    new MultipassProvider({
      command: join(FAKES_DIR, 'multipass'),
      env: { ...f.env, ...env },
      bootTimeoutMs,
      pollMs: 200,
    });
  const spec = (name: string, index: number) => ({ name, index, cpus: 2, memoryMiB: 2048, diskGiB: 10 });
  const instances = () => {
    const dir = join(f.stateDir, 'instances');
    return existsSync(dir) ? readdirSync(dir).map((file) => file.replace(/\.json$/, '')) : [];
  };

  beforeAll(async () => {
    f = await providerFixture();
  });
  afterAll(async () => {
    await f?.cleanup();
  });

  it('detects Multipass and its version, and explains when it is missing', async () => {
    expect(await provider().detect()).toEqual({ available: true, version: '1.14.0' });
    const missing = await new MultipassProvider({ command: '/nonexistent/multipass' }).detect();
    expect(missing).toMatchObject({ available: false, reason: 'Multipass is not installed' });
    expect(missing.available === false && missing.hint).toMatch(/install/i);
  });

  it('creates two nodes in parallel that answer on SSH with the host keys Flotilla generated', async () => {
    const p = provider();
    const [a, b] = await Promise.all([
      p.createNode(spec('node-1', 1), f.ctx),
      p.createNode(spec('node-2', 2), f.ctx),
    ]);
    const vm1 = instanceName(f.cluster, 'node-1');
    const launch = f.calls().find((argv) => argv[0] === 'launch' && argv.includes(vm1))!;
    expect(launch).toEqual([
      'launch',
      '--name',
      vm1,
      '--cpus',
      '2',
      '--memory',
      '2048M',
      '--disk',
      '10G',
      '--cloud-init',
      join(f.clusterDir, 'nodes', 'node-1', 'cloud-init', 'user-data'),
      '--timeout',
      '120',
      'lts',
    ]);
    for (const node of [a!, b!]) {
      expect(node).toMatchObject({ provider: 'multipass', sshPort: 22, sshUser: 'root' });
      expect(node.hostKey).toMatch(/^ssh-ed25519 /);
      expect(await sshRun(node, f.clusterDir, 'id -u')).toBe('0\n');
      // The node reaches the control plane at our end of the connection: the host's bridge address.
      expect(node.apiServerAddress).toMatch(/^10\.240\.\d+\.1$/);
      // No systemd in a netns node, and the fake node declares its own layout.
      expect(node.agent.serviceManager).toBe('detached');
      expect(node.agent.containerRuntimeEndpoint).toMatch(/^\/.*containerd\.sock$/);
    }
    expect(a!.address).not.toBe(b!.address);
    expect(a!.hostKey).not.toBe(b!.hostKey);
    expect(f.progress.some((m) => m.startsWith('launching '))).toBe(true);
    await Promise.all([p.deleteNode(a!, f.ctx), p.deleteNode(b!, f.ctx)]);
    expect(instances()).toEqual([]);
    expect(existsSync(join(f.clusterDir, 'nodes', 'node-1'))).toBe(false);
  });

  it('stops, starts (address from multipass info, a new one after the host slept) and deletes a node; delete twice is fine', async () => {
    const p = provider();
    let node: ProvisionedNode = await p.createNode(spec('node-3', 3), f.ctx);
    await p.stopNode(node, f.ctx);
    expect(f.calls().at(-1)).toEqual(['stop', instanceName(f.cluster, 'node-3')]);
    await expect(p.address(node, f.ctx)).rejects.toMatchObject({ step: 'address' });
    node = await p.startNode(node, f.ctx);
    expect(await p.address(node, f.ctx)).toBe(node.address);
    expect(await sshRun(node, f.clusterDir, 'echo up')).toBe('up\n');
    // After the host slept, the VM comes back with another DHCP lease: start and address say so.
    await p.stopNode(node, f.ctx);
    writeFileSync(join(f.stateDir, `slept-${instanceName(f.cluster, 'node-3')}`), '');
    const moved = await p.startNode(node, f.ctx);
    expect(moved.address).not.toBe(node.address);
    expect(await p.address(moved, f.ctx)).toBe(moved.address);
    expect(await sshRun(moved, f.clusterDir, 'echo up')).toBe('up\n');
    node = moved;
    await p.deleteNode(node, f.ctx);
    expect(f.calls().at(-1)).toEqual(['delete', '--purge', instanceName(f.cluster, 'node-3')]);
    await p.deleteNode(node, f.ctx);
  });

  const failures: [string, string, RegExp, RegExp][] = [
    ['out-of-disk', 'create VM', /disk space/, /free disk space/i],
    ['vt-x-disabled', 'create VM', /virtualization is unavailable/, /VT-x/],
    ['launch-timeout', 'create VM', /did not finish starting/, /console log/],
  ];
  it.each(failures)(
    'launch failure %s: ProvisionError at %s, and the instance is purged',
    async (mode, step, message, hint) => {
      const error = await provider({ FAKE_MULTIPASS_FAIL: mode })
        .createNode(spec('bad', 9), f.ctx)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProvisionError);
      expect(error).toMatchObject({
        step,
        message: expect.stringMatching(message),
        hint: expect.stringMatching(hint),
      });
      expect(instances()).toEqual([]);
      expect(existsSync(join(f.clusterDir, 'nodes', 'bad'))).toBe(false);
    },
  );

  it('a taken name is reported and the other instance is left alone', async () => {
    const before = f.calls().length;
    const error = await provider({ FAKE_MULTIPASS_FAIL: 'name-taken' })
      .createNode(spec('taken', 9), f.ctx)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ step: 'create VM', message: expect.stringMatching(/already exists/) });
    expect((error as ProvisionError).hint).toMatch(/multipass delete --purge/);
    expect(
      f
        .calls()
        .slice(before)
        .map((argv) => argv[0]),
    ).toEqual(['launch']);
  });

  it('a VM answering with another host key is refused at SSH up, before logging in, and purged', async () => {
    const error = await provider({ FAKE_VM_FOREIGN_HOST_KEY: '1' })
      .createNode(spec('foreign', 9), f.ctx)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ step: 'SSH up', message: expect.stringMatching(/different SSH host key/) });
    expect((error as ProvisionError).hint).toMatch(/nothing was sent/);
    expect(instances()).toEqual([]);
  });

  it('cancelling a create stops waiting and purges the instance', async () => {
    const abort = new AbortController();
    const creating = provider({ FAKE_MULTIPASS_FAIL: 'stuck-starting' }, 600_000)
      .createNode(spec('cancelled', 9), { ...f.ctx, signal: abort.signal })
      .catch((e: unknown) => e);
    await waitFor(
      () => f.calls().some((argv) => argv[0] === 'info' && argv[1] === instanceName(f.cluster, 'cancelled')),
      60_000,
    );
    abort.abort(new Error('cancelled by the user'));
    expect(await creating).toMatchObject({ message: 'cancelled by the user' });
    expect(f.calls().at(-1)).toEqual(['delete', '--purge', instanceName(f.cluster, 'cancelled')]);
    expect(instances()).toEqual([]);
  });

  it('a VM stuck starting fails the boot step after the timeout and is purged', async () => {
    const error = await provider({ FAKE_MULTIPASS_FAIL: 'stuck-starting' }, 3_000)
      .createNode(spec('stuck', 9), f.ctx)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ step: 'boot', message: expect.stringMatching(/still Starting/) });
    expect(f.calls().at(-1)).toEqual(['delete', '--purge', instanceName(f.cluster, 'stuck')]);
    expect(instances()).toEqual([]);
  });
});
