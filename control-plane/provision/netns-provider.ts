// The netns provider: NodeProvider over control-plane/provision/netns/. A node is a network
// namespace on this machine with its own containerd and sshd (docs/netns.md); the shared
// install path then reaches it over SSH like any VM. The cluster bridge is made with the first
// node and goes with the last; its address is where nodes reach the control plane.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildImageArchive } from '../../resources/images/build.ts';
import { PAUSE_IMAGE } from '../../resources/images/recipes.ts';
import { bridgeAddress, bridgeExists, createBridge, deleteBridge } from './netns/bridge.ts';
import { removeCgroupTree } from './netns/cgroups.ts';
import { CNI_BIN_DIR, containerdPaths, startContainerd, type Snapshotter } from './netns/containerd.ts';
import { isAlive, stopDaemon } from './netns/daemon.ts';
import { destroyCluster } from './netns/cluster.ts';
import { bridgeName, namespacePrefix, nodeCgroupParent } from './netns/names.ts';
import { createNamespace, deleteNamespace, isInNamespace, listNamespaces } from './netns/namespace.ts';
import { createNode, deleteNode, nodeIpOf } from './netns/node.ts';
import { SSH_PORT, sshdPaths, startSshd } from './netns/sshd.ts';
import { freeNodeSubnet, interfacesInSubnet } from './netns/subnet.ts';
import { netnsSupport } from './netns/support.ts';
import {
  ProvisionError,
  type NodeProvider,
  type ProviderDetection,
  type ProviderNodeSpec,
  type ProvisionContext,
  type ProvisionedNode,
} from './provider.ts';

/** What the netns provider keeps in ProvisionedNode.state. */
export interface NetnsNodeState {
  namespace: string;
  index: number;
  nodeSubnet: string;
  nodeDir: string;
  snapshotter: Snapshotter;
}

export interface NetnsProviderOptions {
  /** Where the pause image archive is built once (shared by clusters). */
  imageCacheDir: string;
  /** Extra image archives every new node imports (tests preload theirs). */
  images?: string[];
}

/** The cluster's node subnet, kept so a restarted cluster gets the same addresses back. */
function networkFile(clusterDir: string): string {
  return join(clusterDir, 'netns-network.json');
}

export class NetnsProvider implements NodeProvider {
  readonly name = 'netns' as const;

  constructor(private readonly options: NetnsProviderOptions) {}

  async detect(): Promise<ProviderDetection> {
    const support = netnsSupport();
    if (support.ok) return { available: true };
    return {
      available: false,
      reason: support.reason,
      hint: 'netns nodes need Linux, root, and containerd, runc, sshd, iptables and the CNI plugins (scripts/system-packages.mjs)',
    };
  }

  async createNode(spec: ProviderNodeSpec, ctx: ProvisionContext): Promise<ProvisionedNode> {
    const nodeSubnet = await this.ensureBridge(ctx);
    ctx.progress('starting containerd and sshd');
    const images = [
      buildImageArchive(PAUSE_IMAGE, this.options.imageCacheDir),
      ...(this.options.images ?? []),
    ];
    let node;
    try {
      node = await createNode({
        cluster: ctx.cluster,
        name: spec.name,
        index: spec.index,
        nodeSubnet,
        clusterDir: ctx.clusterDir,
        authorizedKey: ctx.sshPublicKey,
        images,
      });
    } catch (error) {
      throw new ProvisionError('create node', (error as Error).message);
    }
    const state: NetnsNodeState = {
      namespace: node.namespace,
      index: spec.index,
      nodeSubnet,
      nodeDir: node.nodeDir,
      snapshotter: node.snapshotter,
    };
    return {
      name: spec.name,
      provider: 'netns',
      address: node.nodeIp,
      sshPort: SSH_PORT,
      sshUser: 'root',
      hostKey: node.sshHostPublicKey.trim(),
      apiServerAddress: bridgeAddress(nodeSubnet),
      agent: {
        // The node shares the host's init: the control plane supervises a detached agent.
        serviceManager: 'detached',
        installDir: join(node.nodeDir, 'flotilla'),
        dataDir: join(node.nodeDir, 'agent'),
        containerRuntimeEndpoint: node.containerdSocket,
        cniConfDir: node.cniConfDir,
        cniBinDir: CNI_BIN_DIR,
        registryConfigDir: containerdPaths(node.nodeDir).registryConfigDir,
        cgroupParent: node.cgroupParent,
        // This computer's Node, unless this is the desktop app's executable (a cluster
        // supervisor in Electron, which cannot run the agent): then the installer ships one.
        ...(process.versions['electron'] ? {} : { nodeBinary: process.execPath }),
        installPackages: false,
      },
      state: { ...state },
    };
  }

  /**
   * Brings a node back from its directory after `stopNode` or a host reboot: the bridge, the
   * namespace with the same address, containerd on the same root (images and containers'
   * metadata kept, runtime state cleared as a reboot would) and sshd with the same host key.
   */
  async startNode(node: ProvisionedNode, ctx: ProvisionContext): Promise<ProvisionedNode> {
    const state = node.state as unknown as NetnsNodeState;
    await this.ensureBridge(ctx, state.nodeSubnet);
    if (existsSync(`/run/netns/${state.namespace}`) && this.daemonsAlive(state)) return node;
    await this.stopNode(node, ctx);
    const paths = containerdPaths(state.nodeDir);
    // What a reboot clears: runtime state, shim sockets, pod network namespaces' mount files.
    for (const dir of [paths.state, paths.runDir]) rmSync(dir, { recursive: true, force: true });
    try {
      await createNamespace({
        namespace: state.namespace,
        cluster: ctx.cluster,
        index: state.index,
        nodeIp: nodeIpOf(state.nodeSubnet, state.index),
        nodeSubnet: state.nodeSubnet,
        gateway: bridgeAddress(state.nodeSubnet),
      });
      await Promise.all([
        startContainerd({
          namespace: state.namespace,
          hostname: node.name,
          nodeDir: state.nodeDir,
          snapshotter: state.snapshotter,
        }),
        startSshd({
          namespace: state.namespace,
          hostname: node.name,
          nodeDir: state.nodeDir,
          nodeIp: node.address,
          authorizedKey: ctx.sshPublicKey,
        }),
      ]);
    } catch (error) {
      await this.stopNode(node, ctx);
      throw new ProvisionError('start node', (error as Error).message);
    }
    return node;
  }

  /** Stops everything running in the node and removes its namespace; keeps its directory. */
  async stopNode(node: ProvisionedNode, ctx: ProvisionContext): Promise<void> {
    const state = node.state as unknown as NetnsNodeState;
    const pidFiles = [containerdPaths(state.nodeDir).pidFile, sshdPaths(state.nodeDir).pidFile];
    await Promise.all(
      pidFiles.map((file) => {
        const pid = readPid(file);
        return pid && isInNamespace(pid, state.namespace) ? stopDaemon(pid, 5_000) : true;
      }),
    );
    await deleteNamespace(state.namespace);
    await removeCgroupTree(nodeCgroupParent(ctx.cluster, node.name));
  }

  async deleteNode(node: ProvisionedNode, ctx: ProvisionContext): Promise<void> {
    await deleteNode({ cluster: ctx.cluster, name: node.name, clusterDir: ctx.clusterDir });
    // The last node takes the bridge and the host rules with it.
    if ((await listNamespaces(namespacePrefix(ctx.cluster))).length === 0) await this.deleteNetwork(ctx);
  }

  async address(node: ProvisionedNode): Promise<string> {
    return node.address;
  }

  async consoleLog(node: ProvisionedNode): Promise<string> {
    const state = node.state as unknown as NetnsNodeState;
    const tail = (file: string) => {
      try {
        return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
      } catch {
        return '(no log)';
      }
    };
    const logs = join(state.nodeDir, 'logs');
    return `containerd:\n${tail(join(logs, 'containerd.log'))}\nsshd:\n${tail(join(logs, 'sshd.log'))}`;
  }

  /** Removes the bridge, host rules, cgroups and node dirs of the whole cluster, even after a crash. */
  async deleteNetwork(ctx: Pick<ProvisionContext, 'cluster' | 'clusterDir'>): Promise<void> {
    await destroyCluster(ctx.cluster, ctx.clusterDir);
    rmSync(networkFile(ctx.clusterDir), { force: true });
  }

  private daemonsAlive(state: NetnsNodeState): boolean {
    return [containerdPaths(state.nodeDir).pidFile, sshdPaths(state.nodeDir).pidFile].every((file) => {
      const pid = readPid(file);
      return pid !== undefined && isAlive(pid) && isInNamespace(pid, state.namespace);
    });
  }

  /** The cluster bridge, made on the kept (or a free) subnet when it is not there. */
  private async ensureBridge(ctx: ProvisionContext, wanted?: string): Promise<string> {
    const file = networkFile(ctx.clusterDir);
    const kept = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as { nodeSubnet: string }).nodeSubnet
      : wanted;
    if (kept && (await bridgeExists(ctx.cluster))) return kept;
    ctx.progress('creating the cluster bridge');
    for (let attempt = 1; ; attempt++) {
      const nodeSubnet = kept ?? (await freeNodeSubnet());
      await createBridge({ cluster: ctx.cluster, nodeSubnet });
      // Two clusters created at the same moment may pick the same free subnet: step back.
      const others = (await interfacesInSubnet(nodeSubnet)).filter((n) => n !== bridgeName(ctx.cluster));
      if (others.length === 0) {
        mkdirSync(ctx.clusterDir, { recursive: true });
        writeFileSync(file, `${JSON.stringify({ nodeSubnet })}\n`);
        return nodeSubnet;
      }
      await deleteBridge(ctx.cluster);
      if (kept || attempt >= 5)
        throw new ProvisionError(
          'create node',
          `node subnet ${nodeSubnet} is already used on this host`,
          'delete the other cluster or network using it, or remove netns-network.json to pick a new subnet',
        );
    }
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
