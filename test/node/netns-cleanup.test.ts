// Deleting a netns cluster, or failing to create one, must leave the host as it was: no
// namespace, process, veth, bridge, mount, iptables rule or cgroup of the cluster's.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writePodNetworkConfig } from '../../agent/cni/write.ts';
import { CriClient } from '../../agent/kubelet/cri/index.ts';
import { hostRulesOf } from '../../control-plane/provision/netns/bridge.ts';
import { cgroupTreeExists } from '../../control-plane/provision/netns/cgroups.ts';
import { createCluster, destroyCluster } from '../../control-plane/provision/netns/index.ts';
import { bridgeName, isHostVethOf, namespacePrefix } from '../../control-plane/provision/netns/names.ts';
import { listNamespaces, namespaceProcesses } from '../../control-plane/provision/netns/namespace.ts';
import { BUSYBOX_IMAGE, testImageArchives } from '../helpers/images.ts';
import {
  createTestCluster,
  netnsSkipReason,
  testClusterDir,
  testClusterName,
  type TestCluster,
} from '../helpers/netns.ts';
import { runPod, waitFor } from './pods.ts';

const skip = netnsSkipReason();

describe.skipIf(skip !== undefined)('netns cluster cleanup', () => {
  const toDestroy: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const destroy of toDestroy.splice(0)) await destroy();
  }, 300_000);

  it('cluster delete leaves no namespace, process, veth, bridge, mount, rule or cgroup behind', async () => {
    const cluster: TestCluster = await createTestCluster({ nodes: 1, withTestImages: true });
    toDestroy.push(cluster.destroy);
    const node = cluster.nodes[0]!;
    writePodNetworkConfig(node.cniConfDir, {
      podCIDR: node.podCIDR!,
      ipamDataDir: join(node.nodeDir, 'cni', 'ipam'),
    });
    const cri = new CriClient(node.containerdSocket);
    try {
      // A running pod: shims, runc containers, a pod netns, overlay mounts, pod cgroups.
      await runPod(cri, node, { name: 'left-running', image: BUSYBOX_IMAGE, command: ['sleep', '100000'] });
    } finally {
      cri.close();
    }
    const pids = namespaceProcesses(node.namespace);
    expect(pids.length).toBeGreaterThanOrEqual(4); // containerd, sshd, shim, pause, sleep
    expect(cgroupTreeExists(node.cgroupParent)).toBe(true);

    await cluster.destroy();

    await expectNothingLeft(cluster.name, cluster.clusterDir);
    // SIGKILLed processes finish exiting asynchronously; a zombie has exited.
    await waitFor('the node processes to exit', async () => pids.every((pid) => isZombie(pid)));
  });

  it('a create that fails part-way removes everything it had made', async () => {
    const name = testClusterName();
    const clusterDir = testClusterDir(name);
    toDestroy.push(async () => {
      await destroyCluster(name, clusterDir);
      rmSync(clusterDir, { recursive: true, force: true });
    });
    const { pause } = testImageArchives();
    // containerd and sshd are up by the time the second, missing archive fails to import.
    await expect(
      createCluster({
        name,
        clusterDir,
        nodes: [{ name: 'node-1', podCIDR: '10.244.1.0/24' }],
        images: [pause, join(clusterDir, 'no-such-image.tar')],
      }),
    ).rejects.toThrow(/no-such-image/);

    await expectNothingLeft(name, clusterDir);
  });
});

async function expectNothingLeft(cluster: string, clusterDir: string): Promise<void> {
  expect(await listNamespaces(namespacePrefix(cluster))).toEqual([]);
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  const linkNames = [...links.matchAll(/^\d+: ([^:@]+)/gm)].map((m) => m[1]!);
  expect(linkNames).not.toContain(bridgeName(cluster));
  expect(linkNames.filter((link) => isHostVethOf(cluster, link))).toEqual([]);
  expect(await hostRulesOf(cluster)).toEqual([]);
  expect(cgroupTreeExists(`/flotilla/${cluster}`)).toBe(false);
  expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(clusterDir);
  // SIGKILLed processes finish exiting asynchronously.
  await waitFor(
    'the cluster processes to exit',
    async () => processesMentioning(clusterDir).length === 0,
  ).catch(() => {});
  expect(processesMentioning(clusterDir)).toEqual([]);
  expect(existsSync(join(clusterDir, 'nodes'))).toBe(false);
}

/** Live processes whose command line names the path (containerd --config, sshd -f, shims). */
function processesMentioning(path: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(path) && !isZombie(Number(entry))) found.push(`${entry}: ${cmdline}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
