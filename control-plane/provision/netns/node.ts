// A netns node: a network namespace on the cluster bridge, running its own containerd and
// sshd, with its files in <cluster dir>/nodes/<name>. Creating one either fully succeeds
// or removes everything it had made; deleting one removes every trace.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bridgeAddress } from './bridge.ts';
import { removeCgroupTree } from './cgroups.ts';
import { importImage, startContainerd, type Snapshotter } from './containerd.ts';
import { isAlive, stopDaemon } from './daemon.ts';
import { createNamespace, deleteNamespace, isInNamespace } from './namespace.ts';
import { namespaceName, nodeCgroupParent, validateName, MAX_NODES } from './names.ts';
import { startSshd } from './sshd.ts';
import { nthAddress } from './subnet.ts';

export interface NetnsNodeSpec {
  cluster: string;
  name: string;
  /** 1-based; the node IP is host address index+1 of the node subnet (the bridge has #1). */
  index: number;
  nodeSubnet: string;
  clusterDir: string;
  /** The cluster's SSH public key, the only key sshd accepts. */
  authorizedKey: string;
  sandboxImage?: string;
  /** Image archives (OCI or Docker) to import into the node's containerd once it runs. */
  images?: string[];
  snapshotter?: Snapshotter;
}

export interface NetnsNode {
  cluster: string;
  name: string;
  index: number;
  namespace: string;
  nodeIp: string;
  nodeDir: string;
  containerdSocket: string;
  /** Where the runtime reads its CNI config (write it with agent/cni for the podCIDR). */
  cniConfDir: string;
  snapshotter: Snapshotter;
  /** The node's SSH host public key ("ssh-ed25519 AAAA..."): pin it when connecting. */
  sshHostPublicKey: string;
  /** cgroupfs parent for the node's pods (CRI LinuxPodSandboxConfig.cgroup_parent). */
  cgroupParent: string;
  containerdPid: number;
  sshdPid: number;
}

export function nodeDirOf(clusterDir: string, node: string): string {
  return join(clusterDir, 'nodes', node);
}

export function nodeIpOf(nodeSubnet: string, index: number): string {
  return nthAddress(nodeSubnet, index + 1);
}

export async function createNode(spec: NetnsNodeSpec): Promise<NetnsNode> {
  validateName('node', spec.name);
  if (spec.index < 1 || spec.index > MAX_NODES) throw new Error(`node index out of range: ${spec.index}`);
  const namespace = namespaceName(spec.cluster, spec.name);
  const nodeDir = nodeDirOf(spec.clusterDir, spec.name);
  const nodeIp = nodeIpOf(spec.nodeSubnet, spec.index);
  if (existsSync(`/run/netns/${namespace}`))
    throw new Error(`node ${spec.name} of cluster ${spec.cluster} already exists`);
  try {
    await createNamespace({
      namespace,
      cluster: spec.cluster,
      index: spec.index,
      nodeIp,
      nodeSubnet: spec.nodeSubnet,
      gateway: bridgeAddress(spec.nodeSubnet),
    });
    // Both settle before we go on, so a failure never races a cleanup with a starting daemon.
    const [containerd, sshd] = await allOrFirstError([
      startContainerd({
        namespace,
        hostname: spec.name,
        nodeDir,
        sandboxImage: spec.sandboxImage,
        snapshotter: spec.snapshotter,
      }),
      startSshd({ namespace, hostname: spec.name, nodeDir, nodeIp, authorizedKey: spec.authorizedKey }),
    ] as const);
    for (const archive of spec.images ?? [])
      await importImage(containerd.paths, archive, containerd.snapshotter);
    return {
      cluster: spec.cluster,
      name: spec.name,
      index: spec.index,
      namespace,
      nodeIp,
      nodeDir,
      containerdSocket: containerd.paths.socket,
      cniConfDir: containerd.paths.cniConfDir,
      snapshotter: containerd.snapshotter,
      sshHostPublicKey: sshd.hostPublicKey,
      cgroupParent: nodeCgroupParent(spec.cluster, spec.name),
      containerdPid: containerd.pid,
      sshdPid: sshd.pid,
    };
  } catch (error) {
    await deleteNode({ cluster: spec.cluster, name: spec.name, clusterDir: spec.clusterDir });
    throw error;
  }
}

export interface NodeRef {
  cluster: string;
  name: string;
  clusterDir?: string;
}

/**
 * Stops the node's daemons (politely first), kills whatever is left in it (shims, containers,
 * SSH sessions), deletes its namespace (and so its veth pair), its cgroups, and its directory.
 * Idempotent: it works on a half-created node and on one that is already gone.
 */
export async function deleteNode({ cluster, name, clusterDir }: NodeRef): Promise<void> {
  const namespace = namespaceName(cluster, name);
  const nodeDir = clusterDir ? nodeDirOf(clusterDir, name) : undefined;
  if (nodeDir) {
    const pids = ['containerd/containerd.pid', 'sshd/sshd.pid'].map((f) => readPid(join(nodeDir, f)));
    await Promise.all(
      pids.map((pid) => (pid && isOurDaemon(pid, namespace) ? stopDaemon(pid, 5_000) : true)),
    );
  }
  await deleteNamespace(namespace);
  await removeCgroupTree(nodeCgroupParent(cluster, name));
  if (nodeDir) rmSync(nodeDir, { recursive: true, force: true });
}

async function allOrFirstError<T extends readonly unknown[]>(promises: {
  [K in keyof T]: Promise<T[K]>;
}): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

// A pid file can outlive its process and the pid be reused: only signal it if it is still ours.
function isOurDaemon(pid: number, namespace: string): boolean {
  if (!isAlive(pid) || !isInNamespace(pid, namespace)) return false;
  try {
    const program = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return program.endsWith('containerd') || program.endsWith('sshd');
  } catch {
    return false;
  }
}
