// Throwaway netns clusters for tests. Each gets a name carrying the creating process's pid
// (ft-<pid>-<random>) and a directory /tmp/flt-<name>, so a later run can tell a leftover
// of a crashed run (its pid is gone) from a cluster another test is using right now.
import { existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  createCluster,
  destroyCluster,
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

export const CLUSTER_CIDR = '10.244.0.0/16';

export interface TestClusterOptions {
  nodes?: number;
  /** Import the busybox and httpd images too (the pause image is always imported). */
  withTestImages?: boolean;
}

export interface TestCluster extends NetnsCluster {
  destroy(): Promise<void>;
}

export async function createTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  await removeStaleTestClusters();
  const name = testClusterName();
  const clusterDir = testClusterDir(name);
  const images = testImageArchives();
  const cluster = await createCluster({
    name,
    clusterDir,
    nodes: Array.from({ length: options.nodes ?? 1 }, (_, i) => ({
      name: `node-${i + 1}`,
      podCIDR: `10.244.${i + 1}.0/24`,
    })),
    clusterCIDR: CLUSTER_CIDR,
    images: options.withTestImages ? [images.pause, images.busybox, images.httpd] : [images.pause],
  });
  return {
    ...cluster,
    destroy: async () => {
      await destroyCluster(name, clusterDir);
      rmSync(clusterDir, { recursive: true, force: true });
    },
  };
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
