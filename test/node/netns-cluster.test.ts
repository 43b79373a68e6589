// A real 2-node cluster of network namespaces, each node with its own containerd and sshd,
// driven through our CRI client with CNI pod networking and host-gw routes between nodes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePodNetworkConfig } from '../../agent/cni/write.ts';
import { CriClient } from '../../agent/kubelet/cri/index.ts';
import { publicKeyBlob } from '../../control-plane/provision/netns/index.ts';
import { containsIp } from '../../control-plane/provision/netns/subnet.ts';
import { BUSYBOX_IMAGE, HTTPD_IMAGE, PAUSE_IMAGE } from '../helpers/images.ts';
import { createTestCluster, netnsSkipReason, type TestCluster } from '../helpers/netns.ts';
import { removePod, runPod, waitFor, type RunningPod } from './pods.ts';

const skip = netnsSkipReason();
if (skip) console.warn(skip);

describe.skipIf(skip !== undefined)('netns cluster: pods on real nodes', () => {
  let cluster: TestCluster;
  let cri: CriClient[] = [];

  beforeAll(async () => {
    cluster = await createTestCluster({ nodes: 2, withTestImages: true });
    for (const node of cluster.nodes) {
      writePodNetworkConfig(node.cniConfDir, {
        podCIDR: node.podCIDR!,
        ipamDataDir: join(node.nodeDir, 'cni', 'ipam'),
      });
    }
    cri = cluster.nodes.map((node) => new CriClient(node.containerdSocket));
  }, 300_000);

  afterAll(async () => {
    for (const client of cri) client.close();
    await cluster?.destroy();
  }, 300_000);

  it('gives every node its own containerd, with the images imported and the network ready', async () => {
    for (const client of cri) {
      const version = await client.version();
      expect(version.runtimeName).toBe('containerd');
      expect(version.runtimeApiVersion).toBe('v1');
      const tags = (await client.listImages()).flatMap((image) => image.repoTags);
      expect(tags).toEqual(expect.arrayContaining([PAUSE_IMAGE, BUSYBOX_IMAGE, HTTPD_IMAGE]));
      const conditions = await waitFor('NetworkReady', async () => {
        const status = await client.status();
        const all = status.status?.conditions ?? [];
        return all.every((c) => c.status) && all.length >= 2 ? all : undefined;
      });
      expect(conditions.map((c) => c.type)).toEqual(expect.arrayContaining(['RuntimeReady', 'NetworkReady']));
    }
    expect(cluster.nodes[0]!.containerdSocket).not.toBe(cluster.nodes[1]!.containerdSocket);
  });

  it('runs a busybox pod on each node with an IP from that node podCIDR', async () => {
    const pods: [CriClient, RunningPod][] = [];
    try {
      for (const [i, node] of cluster.nodes.entries()) {
        const pod = await runPod(cri[i]!, node, {
          name: `sleeper-${i + 1}`,
          image: BUSYBOX_IMAGE,
          command: ['sleep', '100000'],
        });
        pods.push([cri[i]!, pod]);
        expect(containsIp(node.podCIDR!, pod.ip)).toBe(true);
        const hostname = await cri[i]!.execSync(pod.containerId, ['hostname'], 30);
        expect(hostname.exitCode).toBe(0);
        expect(hostname.stdout.toString().trim()).toBe(`sleeper-${i + 1}`);
        const eth0 = await cri[i]!.execSync(pod.containerId, ['ip', '-4', '-o', 'addr', 'show', 'eth0'], 30);
        expect(eth0.stdout.toString()).toContain(`inet ${pod.ip}/24`);
        const status = await cri[i]!.containerStatus(pod.containerId);
        expect(status.status?.state).toBe('CONTAINER_RUNNING');
      }
    } finally {
      for (const [client, pod] of pods) await removePod(client, pod);
    }
  });

  it('lets a pod on node 1 reach an httpd pod on node 2 by pod IP, without NAT', async () => {
    const [node1, node2] = cluster.nodes;
    const web = await runPod(cri[1]!, node2!, { name: 'web', image: HTTPD_IMAGE });
    const client = await runPod(cri[0]!, node1!, {
      name: 'client',
      image: BUSYBOX_IMAGE,
      command: ['sleep', '100000'],
    });
    try {
      const page = await waitFor('the httpd pod to answer across nodes', async () => {
        // (No `wget -T`: Debian's static busybox 1.35 segfaults with it; ExecSync's timeout bounds it.)
        const res = await cri[0]!.execSync(
          client.containerId,
          ['wget', '-q', '-O', '-', `http://${web.ip}/`],
          20,
        );
        return res.exitCode === 0 ? res.stdout.toString() : undefined;
      });
      expect(page.trim()).toBe('hello from web');
      // busybox httpd -v logs each client address: the request came from the client pod's own IP.
      const log = await waitFor('the httpd access log', async () => {
        const text = existsSync(web.logFile) ? readFileSync(web.logFile, 'utf8') : '';
        return text.includes(client.ip) ? text : undefined;
      });
      expect(log).toContain(client.ip);
    } finally {
      await removePod(cri[0]!, client);
      await removePod(cri[1]!, web);
    }
  });

  it('stopping and removing a pod releases its sandbox, containers and IP', async () => {
    const node = cluster.nodes[0]!;
    const sandboxNetns = join(node.nodeDir, 'containerd', 'state', 'io.containerd.grpc.v1.cri', 'netns');
    const netnsBefore = existsSync(sandboxNetns) ? readdirSync(sandboxNetns) : [];
    const pod = await runPod(cri[0]!, node, {
      name: 'short-lived',
      image: BUSYBOX_IMAGE,
      command: ['sleep', '100000'],
    });
    const leases = join(node.nodeDir, 'cni', 'ipam', 'flotilla');
    expect(readdirSync(leases)).toContain(pod.ip);
    expect(readdirSync(sandboxNetns).length).toBe(netnsBefore.length + 1);

    await cri[0]!.stopContainer(pod.containerId, 10);
    expect((await cri[0]!.containerStatus(pod.containerId)).status?.state).toBe('CONTAINER_EXITED');
    await cri[0]!.removeContainer(pod.containerId);
    await removePod(cri[0]!, pod);

    expect(await cri[0]!.listPodSandbox({ id: pod.sandboxId })).toEqual([]);
    expect(await cri[0]!.listContainers({ podSandboxId: pod.sandboxId })).toEqual([]);
    expect(readdirSync(leases)).not.toContain(pod.ip);
    expect(readdirSync(sandboxNetns).sort()).toEqual(netnsBefore.sort());
  });

  it('answers SSH on each node IP with the node host key, for the cluster key only', async () => {
    const key = readFileSync(cluster.sshPrivateKeyFile, 'utf8');
    for (const node of cluster.nodes) {
      const out = await sshExec(node.nodeIp, key, publicKeyBlob(node.sshHostPublicKey), 'hostname; id -u');
      expect(out.trim().split('\n')).toEqual([node.name, '0']);
    }
    // The other node's host key is not this node's: pinning rejects it.
    const [node1, node2] = cluster.nodes;
    await expect(
      sshExec(node1!.nodeIp, key, publicKeyBlob(node2!.sshHostPublicKey), 'true'),
    ).rejects.toThrow();
  });
});

function sshExec(host: string, privateKey: string, hostKey: Buffer, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    conn
      .on('ready', () => {
        conn.exec(command, (error, stream) => {
          if (error) {
            conn.end();
            reject(error);
            return;
          }
          let out = '';
          stream.on('data', (d: Buffer) => (out += d.toString()));
          stream.on('close', () => {
            conn.end();
            resolve(out);
          });
        });
      })
      .on('error', reject)
      .connect({
        host,
        port: 22,
        username: 'root',
        privateKey,
        readyTimeout: 60_000,
        hostVerifier: (key: Buffer) => key.equals(hostKey),
      });
  });
}
