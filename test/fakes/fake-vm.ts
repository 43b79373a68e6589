// The "virtual machine" behind the fake multipass and VBoxManage: a real netns node (see
// docs/netns.md) booted from the cloud-init user-data the provider wrote, so everything after
// boot (SSH with the pinned host key, the agent, Ready) runs for real:
//   - sshd presents the host key from user-data (ssh_keys) and accepts ssh_authorized_keys;
//   - a VM's standard paths do not exist in a namespace that shares the host's file system, so
//     the node declares its own layout in /etc/flotilla/agent-host.json, bind-mounted (in
//     sshd's mount namespace only) from the node's directory, as any unusual host may.
// All fake VMs of one state dir share one "host network": a netns bridge named after
// FAKE_VM_NETWORK (tests pass a test cluster name, so leftovers of a crashed run get removed).
// FAKE_VM_IMAGES: image archives (a:b) every VM's containerd imports.
// Leaves behind on the host: an empty /etc/flotilla mount point, like the netns library's own.
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseUserData } from '../../control-plane/provision/cloud-init/user-data.ts';
import { bridgeExists, createBridge, deleteBridge } from '../../control-plane/provision/netns/bridge.ts';
import { destroyCluster } from '../../control-plane/provision/netns/cluster.ts';
import { isAlive, startDaemon, stopDaemon } from '../../control-plane/provision/netns/daemon.ts';
import { createNode, deleteNode, type NetnsNode } from '../../control-plane/provision/netns/node.ts';
import { sshdPaths, waitForSshBanner } from '../../control-plane/provision/netns/sshd.ts';
import { freeNodeSubnet, interfacesInSubnet } from '../../control-plane/provision/netns/subnet.ts';
import { bridgeName } from '../../control-plane/provision/netns/names.ts';
import { generateSshKeyPair } from '../../control-plane/provision/netns/keys.ts';
import { namespaceName } from '../../control-plane/provision/netns/names.ts';
import { nodeIpOf } from '../../control-plane/provision/netns/node.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface FakeHost {
  stateDir: string;
  network: string;
}

export function fakeHost(stateDirVar: string, defaultDir: string): FakeHost {
  const stateDir = process.env[stateDirVar] ?? defaultDir;
  mkdirSync(stateDir, { recursive: true });
  const network =
    process.env.FAKE_VM_NETWORK ?? `fvm-${createHash('sha256').update(stateDir).digest('hex').slice(0, 8)}`;
  return { stateDir, network };
}

/** Appends one invocation to the call log (JSON lines), which tests read to check arguments. */
export function recordCall(host: FakeHost, logVar: string, argv: string[]): void {
  const log = process.env[logVar] ?? join(host.stateDir, 'calls.jsonl');
  writeFileSync(log, JSON.stringify({ argv }) + '\n', { flag: 'a' });
}

/** A cross-process lock (parallel `launch` calls share the network and the index space). */
export async function withLock<T>(host: FakeHost, use: () => Promise<T>): Promise<T> {
  const lock = join(host.stateDir, 'lock');
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      const owner = Number(readFileSafe(join(lock, 'pid')));
      if (owner && !isAlive(owner)) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    return await use();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The bridge every fake VM plugs into (the "host-only network"); made on first use. */
export async function ensureNetwork(host: FakeHost): Promise<string> {
  const file = join(host.stateDir, 'network.json');
  if (existsSync(file) && (await bridgeExists(host.network)))
    return (JSON.parse(readFileSync(file, 'utf8')) as { subnet: string }).subnet;
  for (let attempt = 1; ; attempt++) {
    const subnet = await freeNodeSubnet();
    await createBridge({ cluster: host.network, nodeSubnet: subnet });
    const others = (await interfacesInSubnet(subnet)).filter((n) => n !== bridgeName(host.network));
    if (others.length === 0) {
      writeFileSync(file, JSON.stringify({ subnet }));
      return subnet;
    }
    await deleteBridge(host.network);
    if (attempt >= 5) throw new Error(`no free subnet for the fake VM network`);
  }
}

/** Removes every fake VM and the network (tests call it when done). */
export async function destroyFakeHost(host: FakeHost): Promise<void> {
  await destroyCluster(host.network, host.stateDir);
  rmSync(host.stateDir, { recursive: true, force: true });
}

export interface BootSpec {
  host: FakeHost;
  /** The VM's name, also the netns node name. */
  name: string;
  index: number;
  subnet: string;
  userData: string;
}

export async function bootVm(spec: BootSpec): Promise<NetnsNode> {
  const seed = parseUserData(spec.userData);
  if (!seed.hostPrivateKey || !seed.hostPublicKey) throw new Error('user-data has no ssh_keys.ed25519_*');
  const authorizedKey = seed.authorizedKeys[0];
  if (!authorizedKey) throw new Error('user-data has no ssh_authorized_keys');
  const nodeDir = join(spec.host.stateDir, 'nodes', spec.name);
  const ssh = sshdPaths(nodeDir);
  mkdirSync(ssh.dir, { recursive: true, mode: 0o700 });
  // cloud-init's cc_ssh writes these before sshd first starts; so do we. FAKE_VM_FOREIGN_HOST_KEY
  // plays another machine answering at the VM's address: it has a key of its own.
  const hostKey = process.env.FAKE_VM_FOREIGN_HOST_KEY
    ? generateSshKeyPair('root@someone-else')
    : { privateKey: seed.hostPrivateKey, publicKey: seed.hostPublicKey };
  writeFileSync(ssh.hostKey, hostKey.privateKey, { mode: 0o600 });
  writeFileSync(`${ssh.hostKey}.pub`, hostKey.publicKey.trim() + '\n');
  const images = (process.env.FAKE_VM_IMAGES ?? '').split(':').filter(Boolean);
  const node = await createNode({
    cluster: spec.host.network,
    name: spec.name,
    index: spec.index,
    nodeSubnet: spec.subnet,
    clusterDir: spec.host.stateDir,
    authorizedKey,
    images,
  });
  try {
    await declareLayout(node);
  } catch (error) {
    await deleteNode({ cluster: spec.host.network, name: spec.name, clusterDir: spec.host.stateDir });
    throw error;
  }
  return node;
}

// Restarts the node's sshd with /etc/flotilla bound to the node's own directory, listening on
// every address of the VM (as a VM's sshd does), so it still answers after renumberVm.
async function declareLayout(node: NetnsNode): Promise<void> {
  const config = readFileSync(sshdPaths(node.nodeDir).config, 'utf8').replace(
    /^ListenAddress .*$/m,
    'ListenAddress 0.0.0.0:22',
  );
  await restartSshd(node, [[writeLayout(node), '/etc/flotilla']], config);
}

/**
 * The host slept and the VM's DHCP lease changed: the VM gets another address (in the same
 * network, 100 past its first) and answers there; returns the new address. The old address
 * stays on the interface, so what still uses it fails only when it is removed by the caller.
 */
export async function renumberVm(host: FakeHost, name: string, index: number): Promise<string> {
  const subnet = (JSON.parse(readFileSync(join(host.stateDir, 'network.json'), 'utf8')) as { subnet: string })
    .subnet;
  const address = nodeIpOf(subnet, index + 100);
  await execFileAsync('ip', [
    '-n',
    namespaceName(host.network, name),
    'addr',
    'replace',
    `${address}/${subnet.split('/')[1]}`,
    'dev',
    'eth0',
  ]);
  return address;
}

/**
 * Writes the node's agent-host.json (its own containerd, CNI and agent dirs); returns its folder.
 * `without` leaves keys out (a host that declares no Node runtime gets one from the installer).
 */
export function writeLayout(node: NetnsNode, without: string[] = []): string {
  const etc = join(node.nodeDir, 'etc-flotilla');
  mkdirSync(etc, { recursive: true });
  const layout: Record<string, unknown> = {
    installDir: join(node.nodeDir, 'agent'),
    dataDir: join(node.nodeDir, 'agent-data'),
    containerRuntimeEndpoint: node.containerdSocket,
    // The Node runtime that runs this fake: a real VM gets one from the installer.
    nodeBinary: process.execPath,
    cniConfDir: node.cniConfDir,
    cniBinDir: '/usr/lib/cni',
    cgroupParent: node.cgroupParent,
    installPackages: false,
  };
  for (const key of without) delete layout[key];
  writeFileSync(join(etc, 'agent-host.json'), JSON.stringify(layout));
  return etc;
}

/**
 * Restarts a netns node's sshd with more of the host's paths replaced by node directories
 * (in sshd's mount namespace only), and optionally another config.
 */
export async function restartSshd(
  node: NetnsNode,
  binds: [string, string][],
  config?: string,
): Promise<void> {
  const paths = sshdPaths(node.nodeDir);
  if (config !== undefined) writeFileSync(paths.config, config);
  await stopDaemon(node.sshdPid, 5_000);
  const pid = startDaemon({
    namespace: node.namespace,
    hostname: node.name,
    binds: [[paths.privsepDir, '/run/sshd'], ...binds],
    argv: ['/usr/sbin/sshd', '-D', '-e', '-f', paths.config],
    logFile: paths.log,
    pidFile: paths.pidFile,
    scratchDir: paths.dir,
  });
  node.sshdPid = pid;
  await waitForSshBanner(node.nodeIp, pid);
}

export async function shutdownVm(host: FakeHost, name: string): Promise<void> {
  await deleteNode({ cluster: host.network, name, clusterDir: host.stateDir });
  try {
    rmdirSync(join(host.stateDir, 'nodes'));
  } catch {
    // Other VMs still have directories there.
  }
}
