// Pod routes programmed by the agent itself (`podRoutes: host-gw | vxlan`), with no help from
// the provider: two netns nodes made without their podCIDR routes, each running `flotilla
// agent` inside its own network namespace (as the installer starts it), and a pod on node-1
// fetching a page from a pod on node-2 by its IP. Then the routes follow the Nodes: a deleted
// node's route goes, a route the agent did not make stays.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CriClient } from '../../agent/kubelet/cri/index.ts';
import {
  createCluster,
  destroyCluster,
  type NetnsCluster,
} from '../../control-plane/provision/netns/index.ts';
import { run } from '../../control-plane/provision/netns/exec.ts';
import { BUSYBOX_IMAGE, HTTPD_IMAGE, testImageArchives } from '../helpers/images.ts';
import {
  netnsSkipReason,
  removeStaleTestClusters,
  testClusterCIDR,
  testClusterDir,
  testClusterName,
} from '../helpers/netns.ts';
import { startServer, waitFor, type TestServer } from '../helpers/server.ts';
import { writeAgentConfig } from './agent-process.ts';

const LONG = 180_000;
const bin = resolve(import.meta.dirname, '..', '..', 'cli', 'bin.mjs');

/** `flotilla agent` inside the node's network namespace, as the installer runs it there. */
function startAgentInNode(namespace: string, configFile: string) {
  const child = spawn(
    'nsenter',
    [`--net=/run/netns/${namespace}`, process.execPath, bin, 'agent', '--config', configFile],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));
  return {
    get output() {
      return output;
    },
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe.skipIf(netnsSkipReason() !== undefined).each(['host-gw', 'vxlan'] as const)(
  'pod routes from the agent (%s)',
  (mode) => {
    let cluster: NetnsCluster;
    let server: TestServer;
    let agents: ReturnType<typeof startAgentInNode>[] = [];
    let cri: CriClient;
    let dir: string;
    let name: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'flotilla-pod-routes-'));
      await removeStaleTestClusters();
      name = testClusterName();
      const images = testImageArchives();
      // No podCIDRs here, so the provider sets no routes and no masquerade exemption: the agents must.
      cluster = await createCluster({
        name,
        clusterDir: testClusterDir(name),
        nodes: [{ name: 'node-1' }, { name: 'node-2' }],
        images: [images.pause, images.busybox, images.httpd],
      });
      // This cluster's own pod range (from its unique node subnet), not one every test shares.
      const clusterCIDR = testClusterCIDR(cluster.nodeSubnet);
      server = await startServer({ args: ['--address', cluster.gateway, '--cluster-cidr', clusterCIDR] });
      agents = cluster.nodes.map((node) => {
        const file = writeAgentConfig(node, server.kubeconfig, dir);
        appendFileSync(file, `podRoutes: ${mode}\nclusterCIDR: ${clusterCIDR}\n`);
        return startAgentInNode(node.namespace, file);
      });
      cri = new CriClient(cluster.nodes[0]!.containerdSocket);
      for (const node of cluster.nodes)
        await waitFor(
          async () => {
            const n = await getJson(['get', 'node', node.name]);
            return (
              n?.spec?.podCIDR &&
              n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')
            );
          },
          LONG,
          `${node.name} Ready with a podCIDR\n${agents.map((a) => a.output.slice(-2000)).join('\n')}`,
        );
    }, 300_000);

    afterAll(async () => {
      for (const a of agents) await a.stop();
      cri?.close();
      await server?.stop();
      if (cluster) {
        await destroyCluster(name, cluster.clusterDir);
        rmSync(cluster.clusterDir, { recursive: true, force: true });
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    }, 300_000);

    async function getJson(args: string[]): Promise<any> {
      const res = await server.kubectl([...args, '-o', 'json']);
      return res.code === 0 ? JSON.parse(res.stdout) : undefined;
    }

    async function runPod(pod: string, node: string, container: Record<string, unknown>): Promise<any> {
      const manifest = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: pod },
        spec: {
          nodeName: node,
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'main', imagePullPolicy: 'Never', ...container }],
        },
      };
      const res = await server.kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
      expect(res.stderr).toBe('');
      return waitFor(
        async () => {
          const p = await getJson(['get', 'pod', pod]);
          return p?.status?.phase === 'Running' && p.status.podIP ? p : undefined;
        },
        LONG / 2,
        `${pod} Running\n${agents.map((a) => a.output.slice(-2000)).join('\n')}`,
      );
    }

    const ipIn = (ns: string, args: string[]) => run('ip', ['-n', ns, ...args]);

    it(
      'lets a pod on one node reach a pod on the other by IP, without NAT in between',
      async () => {
        const [one, two] = cluster.nodes as [NetnsCluster['nodes'][0], NetnsCluster['nodes'][0]];
        const web = await runPod('web', two.name, { image: HTTPD_IMAGE });
        const client = await runPod('client', one.name, {
          image: BUSYBOX_IMAGE,
          command: ['sleep', '100000'],
        });
        const containerId = client.status.containerStatuses[0].containerID.replace('containerd://', '');
        // No `wget -T`: Debian's static busybox segfaults with it; ExecSync's timeout bounds it.
        const page = await waitFor(
          async () => {
            const res = await cri.execSync(containerId, ['wget', '-qO-', `http://${web.status.podIP}/`], 20);
            return res.exitCode === 0 ? res.stdout.toString() : undefined;
          },
          LONG / 2,
          `client reaches web\n${agents.map((a) => a.output.slice(-2000)).join('\n')}`,
        );
        expect(page).toContain('hello from web');
        // The server saw the client's own pod IP: nothing masqueraded it on the way.
        const node2Cri = new CriClient(two.containerdSocket);
        try {
          const webId = web.status.containerStatuses[0].containerID.replace('containerd://', '');
          const logPath = (await node2Cri.containerStatus(webId)).status!.logPath!;
          await waitFor(
            () => readFileSync(logPath, 'utf8').includes(client.status.podIP),
            LONG / 2,
            `web logged the client's pod IP ${client.status.podIP}`,
          );
        } finally {
          node2Cri.close();
        }
        const node2 = await getJson(['get', 'node', two.name]);
        const routes = await ipIn(one.namespace, ['route', 'show', 'proto', '70']);
        if (mode === 'host-gw') expect(routes).toContain(`${node2.spec.podCIDR} via ${two.nodeIp}`);
        else {
          expect(routes).toContain(
            `${node2.spec.podCIDR} via ${node2.spec.podCIDR.replace(/\/\d+$/, '')} dev flotilla.1`,
          );
          expect(await ipIn(one.namespace, ['-d', 'link', 'show', 'flotilla.1'])).toMatch(
            /vxlan id 1 .*dstport 8472/,
          );
          expect(node2.metadata.annotations['flotilla.io/vtep-mac']).toMatch(
            /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/,
          );
        }
        const nat = await run('ip', [
          'netns',
          'exec',
          one.namespace,
          'iptables',
          '-w',
          '-t',
          'nat',
          '-S',
          'POSTROUTING',
        ]);
        expect(nat).toContain('pod-to-pod without NAT');
      },
      LONG,
    );

    it(
      "drops a deleted node's route and leaves routes it did not make alone",
      async () => {
        const [one, two] = cluster.nodes as [NetnsCluster['nodes'][0], NetnsCluster['nodes'][0]];
        await ipIn(one.namespace, ['route', 'add', '10.99.0.0/24', 'via', two.nodeIp]);
        const node2 = await getJson(['get', 'node', two.name]);
        await agents[1]!.stop();
        expect((await server.kubectl(['delete', 'node', two.name])).code).toBe(0);
        await waitFor(
          async () =>
            !(await ipIn(one.namespace, ['route', 'show', 'proto', '70'])).includes(node2.spec.podCIDR),
          LONG,
          'route of the deleted node removed',
        );
        expect(await ipIn(one.namespace, ['route', 'show'])).toContain(`10.99.0.0/24 via ${two.nodeIp}`);
        if (mode === 'vxlan') {
          const mac = node2.metadata.annotations['flotilla.io/vtep-mac'];
          expect(
            await run('bridge', ['-n', one.namespace, 'fdb', 'show', 'dev', 'flotilla.1']),
          ).not.toContain(mac);
          expect(await ipIn(one.namespace, ['neigh', 'show', 'dev', 'flotilla.1'])).not.toContain(mac);
        }
      },
      LONG,
    );
  },
);
