// The ssh provider against a real sshd on a "pre-existing host" (a netns node that looks like a
// normal Linux host): host keys pinned or explicitly confirmed, never trusted silently; a
// changed key refused before any credential is sent; prerequisites checked before anything
// changes, all failures in one report; uninstall leaves the host as it was.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSshKeyPair, publicKeyBlob } from '../../control-plane/provision/netns/keys.ts';
import { ProvisionError } from '../../control-plane/provision/provider.ts';
import { fingerprintOf } from '../../control-plane/provision/ssh-host/connection.ts';
import { SshHostProvider } from '../../control-plane/provision/ssh-host/provider.ts';
import { netnsSkipReason } from '../helpers/netns.ts';
import { waitFor } from '../helpers/server.ts';
import { existingHost, type ExistingHost } from './existing-host.ts';
import { providerFixture, sshRun, type ProviderFixture } from './fixtures.ts';

const skip = netnsSkipReason();

describe.skipIf(skip)('ssh provider on an existing host (real sshd in a netns node)', () => {
  let f: ProviderFixture;
  let host: ExistingHost;
  let identityFile: string;
  let fingerprint: string;
  const user = generateSshKeyPair('someone@laptop');
  const spec = (options: Record<string, unknown>) => ({
    name: 'host-1',
    index: 1,
    cpus: 1,
    memoryMiB: 1024,
    diskGiB: 10,
    options: { host: host.node.nodeIp, user: 'root', identityFile, ...options },
  });

  beforeAll(async () => {
    f = await providerFixture();
    identityFile = join(f.clusterDir, 'user-key');
    writeFileSync(identityFile, user.privateKey, { mode: 0o600 });
    host = await existingHost(f.fakeHost, 'host-1', 1, user.publicKey);
    fingerprint = fingerprintOf(publicKeyBlob(host.node.sshHostPublicKey));
  });
  afterAll(async () => {
    await f?.cleanup();
  });

  it('never trusts a host key nobody confirmed, and says which key it saw', async () => {
    const error = await new SshHostProvider().createNode(spec({}), f.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisionError);
    expect(error).toMatchObject({ step: 'SSH up', message: expect.stringContaining(fingerprint) });
    expect((error as ProvisionError).hint).toContain(`hostKeyFingerprint: "${fingerprint}"`);
    expect(host.authorizedKeys()).toEqual([user.publicKey.trim()]);
  });

  it('refuses a changed host key before authenticating', async () => {
    const other = fingerprintOf(publicKeyBlob(generateSshKeyPair('x').publicKey));
    const logBefore = host.sshdLog().length;
    const error = await new SshHostProvider()
      .createNode(spec({ hostKeyFingerprint: other }), f.ctx)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      step: 'SSH up',
      message: expect.stringMatching(/refused before logging in/),
    });
    expect((error as ProvisionError).message).toContain(fingerprint);
    // sshd saw a connection but no login attempt.
    const log = host.sshdLog().slice(logBefore);
    expect(log).not.toMatch(/Accepted|authenticating user|Failed publickey/);
    expect(host.authorizedKeys()).toEqual([user.publicKey.trim()]);
  });

  it('fails SSH up, naming why, when the identity file is not a key ssh2 can read', async () => {
    const broken = join(f.clusterDir, 'broken-key');
    writeFileSync(broken, user.privateKey.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA'), {
      mode: 0o600,
    });
    const error = await new SshHostProvider()
      .createNode(spec({ identityFile: broken, hostKeyFingerprint: fingerprint }), f.ctx)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ step: 'SSH up', message: expect.stringContaining('privateKey') });
    expect(host.authorizedKeys()).toEqual([user.publicKey.trim()]);
  });

  it('reports every failed prerequisite at once, before changing anything', async () => {
    const ns = `--net=/run/netns/${host.node.namespace}`;
    const fakeKubelet = join(host.node.nodeDir, 'kubelet');
    copyFileSync('/bin/sleep', fakeKubelet);
    const children: ChildProcess[] = [
      spawn('nsenter', [ns, fakeKubelet, '600'], { stdio: 'ignore' }),
      spawn('nsenter', [ns, process.execPath, '-e', "require('net').createServer().listen(10250)"], {
        stdio: 'ignore',
      }),
    ];
    try {
      const provider = new SshHostProvider();
      let error: unknown;
      await waitFor(async () => {
        error = await provider
          .createNode(spec({ hostKeyFingerprint: fingerprint }), f.ctx)
          .catch((e: unknown) => e);
        const message = (error as Error).message ?? '';
        return message.includes('kubelet is running') && message.includes('port 10250');
      }, 60_000);
      expect(error).toMatchObject({
        step: 'prerequisites',
        message: expect.stringMatching(/2 prerequisites/),
      });
      expect((error as ProvisionError).message).toMatch(/nothing was changed/);
      expect(host.authorizedKeys()).toEqual([user.publicKey.trim()]);
    } finally {
      for (const child of children) child.kill('SIGKILL');
    }
  });

  it('joins a host that meets the prerequisites, and uninstall leaves it as it was', async () => {
    const confirmed: string[] = [];
    const provider = new SshHostProvider({
      confirmHostKey: async (_host, presented) => {
        confirmed.push(presented.fingerprint);
        return true;
      },
    });
    const node = await provider.createNode(spec({}), f.ctx);
    expect(confirmed).toEqual([fingerprint]);
    expect(node).toMatchObject({ provider: 'ssh', address: host.node.nodeIp, sshPort: 22, sshUser: 'root' });
    expect(fingerprintOf(publicKeyBlob(node.hostKey))).toBe(fingerprint);
    expect(node.apiServerAddress).toMatch(/^10\.240\.\d+\.1$/);
    expect(node.agent).toMatchObject({ serviceManager: 'detached', installPackages: false });
    expect(node.agent.installDir.startsWith(host.node.nodeDir)).toBe(true);
    expect(f.progress.some((m) => m.startsWith('warning: the host does not run systemd'))).toBe(true);
    // The cluster key now logs in as root, as the install path will.
    expect(host.authorizedKeys()).toEqual([user.publicKey.trim(), f.ctx.sshPublicKey.trim()]);
    expect(await sshRun(node, f.clusterDir, 'id -u')).toBe('0\n');
    expect((await provider.startNode(node, f.ctx)).address).toBe(node.address);

    // What the installer would leave: the agent's directories and the pod network config.
    mkdirSync(node.agent.installDir, { recursive: true });
    writeFileSync(join(node.agent.installDir, 'agent.yaml'), 'x');
    mkdirSync(node.agent.dataDir, { recursive: true });
    writeFileSync(join(node.agent.cniConfDir, '10-flotilla.conflist'), '{}');
    await provider.deleteNode(node, f.ctx);
    expect(existsSync(node.agent.installDir)).toBe(false);
    expect(existsSync(node.agent.dataDir)).toBe(false);
    expect(existsSync(join(node.agent.cniConfDir, '10-flotilla.conflist'))).toBe(false);
    expect(host.authorizedKeys()).toEqual([user.publicKey.trim()]);
  });

  it('keeps what the host already had', async () => {
    const preexisting = join(host.node.nodeDir, 'agent-data');
    mkdirSync(preexisting, { recursive: true });
    const provider = new SshHostProvider();
    const node = await provider.createNode(spec({ hostKeyFingerprint: fingerprint }), f.ctx);
    expect(node.agent.dataDir).toBe(preexisting);
    await provider.deleteNode(node, f.ctx);
    expect(existsSync(preexisting)).toBe(true);
  });
});
