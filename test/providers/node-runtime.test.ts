// Life on a node that brings nothing but Linux: an existing SSH host (a netns node posing as one)
// whose PATH has no `node` and whose agent-host.json declares no Node runtime. The installer
// ships the pinned runtime (fetched once into .flotilla-test/runtime/) and the agent runs with
// it until the Node is Ready; a node clock that is off gets set before certificates are used;
// a full disk fails the install with the node and path named.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveNodeAgent } from '../../control-plane/cluster/node-address.ts';
import { checkNodeClock } from '../../control-plane/cluster/node-clock.ts';
import {
  connectSsh,
  installAgent,
  installPaths,
  killAgentService,
  NoSpaceLeftError,
  startAgent,
  type SshSession,
} from '../../control-plane/provision/install/index.ts';
import { generateSshKeyPair, publicKeyBlob } from '../../control-plane/provision/netns/keys.ts';
import type { ProvisionedNode } from '../../control-plane/provision/provider.ts';
import { fingerprintOf } from '../../control-plane/provision/ssh-host/connection.ts';
import { SshHostProvider } from '../../control-plane/provision/ssh-host/provider.ts';
import { startControlPlane, type RunningControlPlane } from '../../control-plane/serve.ts';
import { netnsSkipReason } from '../helpers/netns.ts';
import { kubectl, waitFor } from '../helpers/server.ts';
import { existingHost, type ExistingHost } from './existing-host.ts';
import { providerFixture, type ProviderFixture } from './fixtures.ts';

const skip = netnsSkipReason();
const RUNTIME_CACHE = resolve(import.meta.dirname, '../../.flotilla-test/runtime');

/** A bin dir with everything in /usr/bin but node, and a `date` whose offset the test sets. */
function nodelessBin(dir: string): { bin: string; setOffset(seconds: number): void; sets(): string[] } {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const name of readdirSync('/usr/bin'))
    if (name !== 'node' && name !== 'nodejs' && name !== 'date')
      symlinkSync(join('/usr/bin', name), join(bin, name));
  const offset = join(dir, 'clock-offset');
  const sets = join(dir, 'clock-sets');
  writeFileSync(offset, '0');
  // A fake `date` (a clock we may move without moving this machine's): +%s answers with the
  // offset added; -u -s @N records the request and puts the clock right.
  writeFileSync(
    join(bin, 'date'),
    `#!/bin/sh
if [ "$1" = "+%s" ]; then echo $(( $(/usr/bin/date +%s) + $(cat ${offset}) )); exit 0; fi
if [ "$1" = "-u" ] && [ "$2" = "-s" ]; then echo "$3" >> ${sets}; echo 0 > ${offset}; exit 0; fi
exec /usr/bin/date "$@"
`,
  );
  chmodSync(join(bin, 'date'), 0o755);
  return {
    bin,
    setOffset: (seconds) => writeFileSync(offset, String(seconds)),
    sets: () => {
      try {
        return readFileSync(sets, 'utf8').trim().split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
  };
}

describe.skipIf(skip)('a node without Node.js (existing SSH host, netns)', () => {
  let f: ProviderFixture;
  let host: ExistingHost;
  let bin: ReturnType<typeof nodelessBin>;
  let cp: RunningControlPlane;
  let node: ProvisionedNode;
  let ssh: SshSession;
  const savedCache = process.env['FLOTILLA_RUNTIME_CACHE'];

  beforeAll(async () => {
    process.env['FLOTILLA_RUNTIME_CACHE'] = RUNTIME_CACHE;
    f = await providerFixture();
    const user = generateSshKeyPair('someone@laptop');
    const identityFile = join(f.clusterDir, 'user-key');
    writeFileSync(identityFile, user.privateKey, { mode: 0o600 });
    bin = nodelessBin(join(f.clusterDir, 'host-path'));
    host = await existingHost(f.fakeHost, 'bare-1', 1, user.publicKey, {
      layoutWithout: ['nodeBinary'],
      sessionPath: `${bin.bin}:/usr/sbin`,
      listenOnAllAddresses: true,
    });
    node = await new SshHostProvider().createNode(
      {
        name: 'bare-1',
        index: 1,
        cpus: 1,
        memoryMiB: 1024,
        diskGiB: 10,
        options: {
          host: host.node.nodeIp,
          user: 'root',
          identityFile,
          hostKeyFingerprint: fingerprintOf(publicKeyBlob(host.node.sshHostPublicKey)),
        },
      },
      f.ctx,
    );
    cp = await startControlPlane({
      dataDir: join(f.clusterDir, 'control-plane'),
      port: 0,
      listenAddresses: [node.apiServerAddress],
      controllers: {},
      log: () => {},
    });
    const privateKey = readFileSync(join(f.clusterDir, 'ssh', 'id_ed25519'), 'utf8');
    ssh = await connectSsh(node, { privateKey });
  }, 300_000);

  afterAll(async () => {
    if (ssh && node) await killAgentService(ssh, node).catch(() => undefined);
    ssh?.close();
    await cp?.close();
    await f?.cleanup();
    if (savedCache === undefined) delete process.env['FLOTILLA_RUNTIME_CACHE'];
    else process.env['FLOTILLA_RUNTIME_CACHE'] = savedCache;
  }, 120_000);

  it('ships the pinned Node runtime to the host, and the agent runs with it until Ready', async () => {
    expect(node.agent.nodeBinary).toBeUndefined();
    expect((await ssh.exec('command -v node')).code).not.toBe(0);
    const progress: string[] = [];
    await installAgent(
      ssh,
      node,
      {
        cluster: f.cluster,
        apiServerUrl: `https://${node.apiServerAddress}:${cp.port}`,
        caCertPem: readFileSync(join(cp.dataDir, 'pki', 'ca.crt'), 'utf8'),
        credential: { bootstrapToken: await cp.issueBootstrapToken({ nodeName: node.name }) },
      },
      { progress: (m) => progress.push(m) },
    );
    const paths = installPaths(node);
    expect(progress.join('\n')).toMatch(/uploading the node runtime node-linux-(x64|arm64)@20\./);
    expect((await ssh.run(`${paths.runtime} --version`)).trim()).toMatch(/^v20\./);
    await startAgent(ssh, node);
    const ready = await waitFor(
      async () => {
        const r = await kubectl(
          ['get', 'node', node.name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'],
          { kubeconfig: cp.kubeconfigPath },
        );
        return r.stdout === 'True';
      },
      240_000,
      'the node to be Ready',
      1_000,
    );
    expect(ready).toBe(true);
    const exe = await ssh.run(`readlink /proc/$(cat ${paths.pidFile})/exe`);
    expect(exe.trim()).toBe(paths.runtime);
    // A second install finds the same build on the node and does not upload it again.
    const again: string[] = [];
    await installAgent(
      ssh,
      node,
      {
        cluster: f.cluster,
        apiServerUrl: `https://${node.apiServerAddress}:${cp.port}`,
        caCertPem: readFileSync(join(cp.dataDir, 'pki', 'ca.crt'), 'utf8'),
        credential: { bootstrapToken: await cp.issueBootstrapToken({ nodeName: node.name }) },
      },
      { progress: (m) => again.push(m) },
    );
    expect(again.join('\n')).not.toMatch(/uploading the node runtime/);
  }, 600_000);

  it('reports DiskPressure with an event when the data dir fills up, and clears it', async () => {
    // A 4 MiB file system over the agent's data dir, in the node's mount namespace, filled up.
    const dataDir = node.agent.dataDir;
    const inNode = ['-t', String(host.node.sshdPid), '-m', '--'];
    execFileSync('nsenter', [...inNode, 'mount', '-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dataDir]);
    const condition = async () =>
      (
        await kubectl(
          ['get', 'node', node.name, '-o', 'jsonpath={.status.conditions[?(@.type=="DiskPressure")].status}'],
          { kubeconfig: cp.kubeconfigPath },
        )
      ).stdout;
    try {
      await ssh.exec(`dd if=/dev/zero of=${dataDir}/fill bs=64k 2>/dev/null`);
      await waitFor(async () => (await condition()) === 'True', 120_000, 'DiskPressure=True', 1_000);
      const events = await waitFor(
        async () => {
          const r = await kubectl(
            ['get', 'events', '-A', '--field-selector', 'reason=NodeHasDiskPressure', '-o', 'json'],
            { kubeconfig: cp.kubeconfigPath },
          );
          const items = (JSON.parse(r.stdout || '{"items":[]}') as { items: any[] }).items;
          return items.length > 0 ? items : undefined;
        },
        60_000,
        'the NodeHasDiskPressure event',
        1_000,
      );
      expect(events![0]).toMatchObject({
        type: 'Warning',
        involvedObject: { kind: 'Node', name: node.name },
      });
      expect(events![0].message).toContain(dataDir);
      await ssh.run(`rm -f ${dataDir}/fill`);
      await waitFor(async () => (await condition()) === 'False', 120_000, 'DiskPressure=False', 1_000);
    } finally {
      execFileSync('nsenter', [...inNode, 'umount', '-l', dataDir]);
    }
  }, 300_000);

  it('sets a node clock that is off by more than a few seconds, and only where allowed', async () => {
    bin.setOffset(-3600);
    const reported = await checkNodeClock(ssh, { correct: false });
    expect(reported.skewSeconds).toBeLessThan(-3500);
    expect(reported.corrected).toBe(false);
    expect(bin.sets()).toEqual([]);
    const corrected = await checkNodeClock(ssh, { correct: true });
    expect(corrected).toMatchObject({ corrected: true });
    const set = bin.sets();
    expect(set).toHaveLength(1);
    expect(Math.abs(Number(set[0]!.replace('@', '')) - Date.now() / 1000)).toBeLessThan(120);
    expect(Math.abs((await checkNodeClock(ssh, { correct: true })).skewSeconds)).toBeLessThanOrEqual(5);
    expect(bin.sets()).toHaveLength(1);
  }, 120_000);

  it('re-registers a node whose address changed: same Node, new InternalIP, agent restarted there', async () => {
    const nodeJson = async () =>
      JSON.parse(
        (await kubectl(['get', 'node', node.name, '-o', 'json'], { kubeconfig: cp.kubeconfigPath })).stdout,
      ) as { metadata: { uid: string }; status: { addresses: { type: string; address: string }[] } };
    const before = await nodeJson();
    // The host gets another address (as a VM does with a new DHCP lease after the host slept).
    const ns = host.node.namespace;
    const cidr = execFileSync('ip', ['-n', ns, '-o', '-4', 'addr', 'show', 'dev', 'eth0'], {
      encoding: 'utf8',
    })
      .split(/\s+/)
      .find((word) => word.startsWith(host.node.nodeIp + '/'))!;
    const prefix = cidr.split('/')[1];
    const octets = host.node.nodeIp.split('.');
    const newAddress = [...octets.slice(0, 3), String(Number(octets[3]) + 100)].join('.');
    execFileSync('ip', ['-n', ns, 'addr', 'add', `${newAddress}/${prefix}`, 'dev', 'eth0']);
    const moved: ProvisionedNode = { ...node, address: newAddress };
    const privateKey = readFileSync(join(f.clusterDir, 'ssh', 'id_ed25519'), 'utf8');
    const there = await connectSsh(moved, { privateKey });
    try {
      await moveNodeAgent(there, moved, {
        cluster: f.cluster,
        apiServerUrl: `https://${node.apiServerAddress}:${cp.port}`,
        caCertPem: readFileSync(join(cp.dataDir, 'pki', 'ca.crt'), 'utf8'),
        credential: { bootstrapToken: await cp.issueBootstrapToken({ nodeName: node.name }) },
      });
      expect(await there.run(`cat ${installPaths(moved).config}`)).toContain(`nodeIP: ${newAddress}`);
    } finally {
      there.close();
    }
    const after = await waitFor(
      async () => {
        const n = await nodeJson();
        return n.status.addresses.some((a) => a.type === 'InternalIP' && a.address === newAddress)
          ? n
          : undefined;
      },
      120_000,
      'the Node to report its new InternalIP',
      1_000,
    );
    expect(after!.metadata.uid).toBe(before.metadata.uid);
    expect(after!.status.addresses.filter((a) => a.type === 'InternalIP')).toEqual([
      { type: 'InternalIP', address: newAddress },
    ]);
    node = moved;
  }, 300_000);

  it('names the node and the path when its disk is full', async () => {
    // A 1 MiB file system where the agent goes, mounted in sshd's mount namespace (the node's).
    const full = join(host.node.nodeDir, 'full-disk');
    mkdirSync(full, { recursive: true });
    const inNode = ['-t', String(host.node.sshdPid), '-m', '--'];
    execFileSync('nsenter', [...inNode, 'mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', full]);
    try {
      const small: ProvisionedNode = {
        ...node,
        agent: { ...node.agent, installDir: join(full, 'agent'), dataDir: join(full, 'data') },
      };
      const error = await installAgent(ssh, small, {
        cluster: f.cluster,
        apiServerUrl: `https://${node.apiServerAddress}:${cp.port}`,
        caCertPem: readFileSync(join(cp.dataDir, 'pki', 'ca.crt'), 'utf8'),
        credential: { nodeToken: 'unused' },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NoSpaceLeftError);
      expect((error as Error).message).toMatch(
        new RegExp(`^no space left on node bare-1 at ${full}/agent/node \\(\\d+ KiB free\\)`),
      );
      // Nothing half-written is left taking the space.
      expect(await ssh.run(`ls ${full}/agent`)).not.toContain('node.new');
    } finally {
      execFileSync('nsenter', [...inNode, 'umount', '-l', full]);
      rmSync(full, { recursive: true, force: true });
    }
  }, 120_000);
});
