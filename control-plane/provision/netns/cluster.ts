// A netns cluster: one host bridge and N nodes, plus host-gw routes between the nodes'
// podCIDRs. `destroyCluster` works from names alone (see names.ts), so it also cleans up
// after a crashed create or a killed process.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bridgeAddress, bridgeExists, bridgePorts, createBridge, deleteBridge } from './bridge.ts';
import { removeCgroupTree, removeEmptyCgroup } from './cgroups.ts';
import { tryRun } from './exec.ts';
import { ensureSshKeyPair } from './keys.ts';
import { bridgeName, isHostVethOf, namespacePrefix, validateName } from './names.ts';
import { deleteNamespace, listNamespaces } from './namespace.ts';
import { createNode, deleteNode, type NetnsNode } from './node.ts';
import { setPodRoutes } from './routes.ts';
import { freeNodeSubnet, interfacesInSubnet } from './subnet.ts';
import type { Snapshotter } from './containerd.ts';

export interface NetnsClusterSpec {
  name: string;
  /** Where node directories and the cluster SSH key go (the cluster's data folder). */
  clusterDir: string;
  /** The nodes to create, in order (index 1, 2, ...). */
  nodes: { name: string; podCIDR?: string }[];
  /** Default: a free 10.240.<k>.0/24. */
  nodeSubnet?: string;
  /** When set with podCIDRs, pod-to-pod traffic inside it is not masqueraded. */
  clusterCIDR?: string;
  sandboxImage?: string;
  /** Image archives to import into every node's containerd (e.g. the pause image). */
  images?: string[];
  snapshotter?: Snapshotter;
}

export interface NetnsCluster {
  name: string;
  clusterDir: string;
  nodeSubnet: string;
  bridge: string;
  /** The bridge address: the nodes' gateway and their way to services on the host. */
  gateway: string;
  /** The cluster's SSH client key (OpenSSH private key file) and its public half. */
  sshPrivateKeyFile: string;
  sshPublicKey: string;
  nodes: (NetnsNode & { podCIDR?: string })[];
}

export function sshKeyFileOf(clusterDir: string): string {
  return join(clusterDir, 'ssh', 'id_ed25519');
}

export async function createCluster(spec: NetnsClusterSpec): Promise<NetnsCluster> {
  validateName('cluster', spec.name);
  for (const node of spec.nodes) validateName('node', node.name);
  // Checked before anything is made: the failure path below destroys by name.
  if ((await bridgeExists(spec.name)) || (await listNamespaces(namespacePrefix(spec.name))).length > 0) {
    throw new Error(`netns cluster ${spec.name} already exists`);
  }
  mkdirSync(spec.clusterDir, { recursive: true });
  const sshPrivateKeyFile = sshKeyFileOf(spec.clusterDir);
  const key = ensureSshKeyPair(sshPrivateKeyFile, `flotilla@${spec.name}`);
  try {
    const nodeSubnet = await createBridgeOnFreeSubnet(spec.name, spec.nodeSubnet);
    // One at a time: containerd and sshd start in parallel within a node already, and a
    // 2-core machine gains nothing from more.
    const nodes: NetnsCluster['nodes'] = [];
    for (const [i, node] of spec.nodes.entries()) {
      const created = await createNode({
        cluster: spec.name,
        name: node.name,
        index: i + 1,
        nodeSubnet,
        clusterDir: spec.clusterDir,
        authorizedKey: key.publicKey,
        sandboxImage: spec.sandboxImage,
        images: spec.images,
        snapshotter: spec.snapshotter,
      });
      nodes.push({ ...created, podCIDR: node.podCIDR });
    }
    await setPodRoutes(nodes, spec.clusterCIDR);
    return {
      name: spec.name,
      clusterDir: spec.clusterDir,
      nodeSubnet,
      bridge: bridgeName(spec.name),
      gateway: bridgeAddress(nodeSubnet),
      sshPrivateKeyFile,
      sshPublicKey: key.publicKey,
      nodes,
    };
  } catch (error) {
    await destroyCluster(spec.name, spec.clusterDir);
    throw error;
  }
}

/**
 * Creates the cluster bridge on the given subnet, or on a free one. Two clusters created at
 * the same moment may pick the same free subnet; the one that finds another interface in
 * it afterwards steps back and picks again.
 */
async function createBridgeOnFreeSubnet(cluster: string, requested?: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const nodeSubnet = requested ?? (await freeNodeSubnet());
    await createBridge({ cluster, nodeSubnet });
    const others = (await interfacesInSubnet(nodeSubnet)).filter((name) => name !== bridgeName(cluster));
    if (others.length === 0) return nodeSubnet;
    await deleteBridge(cluster);
    if (requested || attempt >= 5)
      throw new Error(`node subnet ${nodeSubnet} is already used by ${others.join(', ')}`);
  }
}

/**
 * Removes everything a netns cluster of this name may have left on the host: node
 * namespaces and every process in them, veths, the bridge, host iptables rules, cgroups and,
 * given the cluster dir, the node directories. Idempotent; safe to run after a crash.
 */
export async function destroyCluster(name: string, clusterDir?: string): Promise<void> {
  validateName('cluster', name);
  for (const namespace of await listNamespaces(namespacePrefix(name))) {
    const node = namespace.slice(namespacePrefix(name).length);
    await deleteNode({ cluster: name, name: node, clusterDir });
  }
  // Namespaces whose names no longer parse (there should be none) still go.
  for (const namespace of await listNamespaces(namespacePrefix(name))) await deleteNamespace(namespace);
  for (const port of await bridgePorts(name)) await tryRun('ip', ['link', 'del', port]);
  const links = (await tryRun('ip', ['-o', 'link', 'show'])) ?? '';
  for (const link of links.matchAll(/^\d+: ([^:@]+)/gm)) {
    if (isHostVethOf(name, link[1]!)) await tryRun('ip', ['link', 'del', link[1]!]);
  }
  await deleteBridge(name);
  await removeCgroupTree(`/flotilla/${name}`);
  removeEmptyCgroup('/flotilla'); // shared by all clusters: only goes when the last one does
  if (clusterDir) rmSync(join(clusterDir, 'nodes'), { recursive: true, force: true });
}

/** Names of the netns clusters that have at least one node namespace on this host. */
export async function listClusters(): Promise<string[]> {
  const names = new Set<string>();
  for (const namespace of await listNamespaces('flt_')) {
    const match = /^flt_([a-z0-9-]+)_[a-z0-9-]+$/.exec(namespace);
    if (match) names.add(match[1]!);
  }
  return [...names].sort();
}
