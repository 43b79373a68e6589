// Throwaway netns clusters for tests. Each gets a name carrying the creating process's pid
// (ft-<pid>-<random>) and a directory /tmp/flt-<name>, so a later run can tell a leftover
// of a crashed run (its pid is gone) from a cluster another test is using right now.
import { existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  createCluster,
  destroyCluster,
  freeNodeSubnet,
  listClusters,
  netnsSupport,
  type NetnsCluster,
} from '../../control-plane/provision/netns/index.ts';
import { testImageArchives } from './images.ts';

/** Why netns tests cannot run here, or undefined when they can. */
export function netnsSkipReason(): string | undefined {
  const support = netnsSupport();
  return support.ok ? undefined : `netns tests skipped: ${support.reason}`;
}

/**
 * Every test cluster's pod addresses lie in here. Each cluster gets its own /22 of it (see
 * testClusterCIDR), so a host route one test adds to its pods cannot capture another
 * concurrently running test's traffic.
 */
export const CLUSTER_CIDR = '10.244.0.0/14';
/** The most nodes a test cluster can have: one /24 podCIDR each out of its /22. */
export const MAX_TEST_NODES = 4;

export interface TestClusterOptions {
  nodes?: number;
  /** Import the busybox and httpd images too (the pause image is always imported). */
  withTestImages?: boolean;
}

export interface TestCluster extends NetnsCluster {
  /**
   * This cluster's own pod range: pass it to the control plane (`flotilla serve --cluster-cidr`,
   * see serveArgs) so node IPAM hands out the same podCIDRs as `nodes[i].podCIDR`.
   */
  clusterCIDR: string;
  /** `flotilla serve` arguments for this cluster: listen on its bridge, allocate from its range. */
  serveArgs: string[];
  destroy(): Promise<void>;
}

export async function createTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  await removeStaleTestClusters();
  const count = options.nodes ?? 1;
  if (count > MAX_TEST_NODES) throw new Error(`a test cluster has at most ${MAX_TEST_NODES} nodes`);
  const name = testClusterName();
  const clusterDir = testClusterDir(name);
  const images = testImageArchives();
  // The pod range follows from the node subnet, which is unique on this host while the cluster
  // lives; two clusters that pick the same subnet at once fail on the bridge, and we pick again.
  let cluster: NetnsCluster | undefined;
  let clusterCIDR = '';
  for (let attempt = 1; !cluster; attempt++) {
    const nodeSubnet = await freeNodeSubnet();
    clusterCIDR = testClusterCIDR(nodeSubnet);
    try {
      cluster = await createCluster({
        name,
        clusterDir,
        nodeSubnet,
        // Node IPAM allocates /24s from the start of the range in registration order; tests
        // register node-1 first, so node i gets the i-th /24 here and there alike.
        nodes: Array.from({ length: count }, (_, i) => ({
          name: `node-${i + 1}`,
          podCIDR: nthSubnet24(clusterCIDR, i),
        })),
        clusterCIDR,
        images: options.withTestImages ? [images.pause, images.busybox, images.httpd] : [images.pause],
      });
    } catch (error) {
      if (attempt >= 5 || !/is already used by/.test(String(error))) throw error;
    }
  }
  return {
    ...cluster,
    clusterCIDR,
    serveArgs: ['--address', cluster.gateway, '--cluster-cidr', clusterCIDR],
    destroy: async () => {
      await destroyCluster(name, clusterDir);
      rmSync(clusterDir, { recursive: true, force: true });
    },
  };
}

/** The /22 of CLUSTER_CIDR that belongs to the test cluster on node subnet 10.240.<k>.0/24. */
export function testClusterCIDR(nodeSubnet: string): string {
  const match = /^10\.240\.(\d+)\.0\/24$/.exec(nodeSubnet);
  if (!match) throw new Error(`unexpected node subnet ${nodeSubnet} (want 10.240.<k>.0/24)`);
  const k = Number(match[1]); // 1..254: 256 /22s fit in the /14
  return `10.${244 + (k >> 6)}.${(k & 63) << 2}.0/22`;
}

function nthSubnet24(cidr22: string, i: number): string {
  const [a, b, c] = cidr22.split('.').map(Number);
  return `${a}.${b}.${c! + i}.0/24`;
}

/** A fresh cluster name that tells which process made it (see removeStaleTestClusters). */
export function testClusterName(): string {
  return `ft-${process.pid.toString(36)}-${randomBytes(3).toString('hex')}`;
}

export function testClusterDir(name: string): string {
  return `/tmp/flt-${name}`;
}

/** Destroys test clusters whose creating process no longer exists. */
export async function removeStaleTestClusters(): Promise<void> {
  for (const name of await listClusters()) {
    const match = /^ft-([0-9a-z]+)-[0-9a-f]+$/.exec(name);
    if (!match || isAlive(parseInt(match[1]!, 36))) continue;
    const clusterDir = testClusterDir(name);
    await destroyCluster(name, existsSync(clusterDir) ? clusterDir : undefined);
    rmSync(clusterDir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
