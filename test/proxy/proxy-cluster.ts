// A netns cluster for kube-proxy end-to-end tests: `flotilla serve`, N nodes each running
// `flotilla agent` inside its network namespace with the chosen proxy mode, and the steps the
// tests share (apply objects, wait for pods, fetch through a service from a client pod or the host).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CriClient } from '../../agent/kubelet/cri/index.ts';
import { HTTPD_IMAGE } from '../helpers/images.ts';
import { createTestCluster, type TestCluster } from '../helpers/netns.ts';
import { startServer, waitFor, type TestServer } from '../helpers/server.ts';
import { startAgentInNetns, writeProxyAgentConfig, type NetnsAgent } from './agent-in-netns.ts';

export interface ProxyCluster {
  cluster: TestCluster;
  server: TestServer;
  agents: NetnsAgent[];
  /** Where the agents' configs are (agent-<node>.yaml). */
  dir: string;
  kubectl(args: string[], input?: string): ReturnType<TestServer['kubectl']>;
  getJson(args: string[]): Promise<any>;
  /** kubectl apply; throws with kubectl's message when it complains. */
  apply(...objects: object[]): Promise<void>;
  /** The last lines of every agent's output, for failure messages. */
  agentLogs(): string;
  pod(name: string, node: number, labels: Record<string, string>, image?: string, command?: string[]): object;
  service(name: string, spec: Record<string, unknown>): object;
  /** Waits until the pod runs with an IP; returns it. */
  running(name: string, timeoutMs: number): Promise<any>;
  clusterIP(name: string): Promise<string>;
  /** `n` requests to http://ip:port from pod `client`; each answering pod's name, or the error. */
  fetchFromPod(client: string, ip: string, port: number, n: number): Promise<string[]>;
  fetchFromHost(ip: string, port: number): Promise<string>;
  /** Runs a command in a node's network namespace; returns stdout. */
  onNode(node: number, cmd: string, args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startProxyCluster(opts: {
  nodes: number;
  mode: 'iptables' | 'nftables';
}): Promise<ProxyCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-proxy-test-'));
  const cluster = await createTestCluster({ nodes: opts.nodes, withTestImages: true });
  const server = await startServer({ args: cluster.serveArgs }).catch(async (err: unknown) => {
    await cluster.destroy();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  const agents: NetnsAgent[] = [];
  const cris = new Map<string, CriClient>();
  for (const node of cluster.nodes) {
    const config = writeProxyAgentConfig(
      node,
      server.kubeconfig,
      dir,
      cluster.clusterCIDR,
      node.podCIDR!,
      opts.mode,
    );
    agents.push(startAgentInNetns(node, config));
    cris.set(node.name, new CriClient(node.containerdSocket));
  }
  const kubectl = (args: string[], input?: string) => server.kubectl(args, input ? { input } : undefined);
  const getJson = async (args: string[]) => {
    const res = await kubectl([...args, '-o', 'json']);
    return res.code === 0 ? JSON.parse(res.stdout) : undefined;
  };
  const agentLogs = () => agents.map((a, i) => `--- node-${i + 1}:\n${a.output.slice(-2500)}`).join('\n');
  const self: ProxyCluster = {
    cluster,
    server,
    agents,
    dir,
    kubectl,
    getJson,
    agentLogs,
    async apply(...objects) {
      const res = await kubectl(
        ['apply', '-f', '-'],
        objects.map((o) => `---\n${JSON.stringify(o)}\n`).join(''),
      );
      if (res.code !== 0 || res.stderr) throw new Error(`kubectl apply: ${res.stderr}`);
    },
    pod: (name, node, labels, image = HTTPD_IMAGE, command) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels },
      spec: {
        nodeName: cluster.nodes[node - 1]!.name,
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'main', image, imagePullPolicy: 'Never', ...(command ? { command } : {}) }],
      },
    }),
    service: (name, spec) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default' },
      spec: { ports: [{ port: 80, targetPort: 80 }], ...spec },
    }),
    running: (name, timeoutMs) =>
      waitFor(
        async () => {
          const p = await getJson(['get', 'pod', name]);
          return p?.status?.containerStatuses?.[0]?.state?.running && p.status.podIP ? p : undefined;
        },
        timeoutMs,
        `pod ${name} running\n${agentLogs()}`,
      ),
    clusterIP: async (name) => (await getJson(['get', 'service', name])).spec.clusterIP,
    async fetchFromPod(client, ip, port, n) {
      const p = await getJson(['get', 'pod', client]);
      const id = p.status.containerStatuses[0].containerID.replace('containerd://', '');
      const script = `for i in $(seq ${n}); do timeout 10 wget -qO- http://${ip}:${port}/ 2>&1 || echo FAILED; done`;
      const res = await cris.get(p.spec.nodeName)!.execSync(id, ['sh', '-c', script], 120);
      return (res.stdout.toString() + res.stderr.toString())
        .trim()
        .split('\n')
        .map((l) => l.replace(/^hello from /, ''));
    },
    fetchFromHost: (ip, port) =>
      new Promise((ok, fail) => {
        const req = request({ host: ip, port, path: '/', timeout: 10_000 }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c));
          res.on('end', () => ok(body.trim().replace(/^hello from /, '')));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', fail);
        req.end();
      }),
    onNode: (node, cmd, args) =>
      run('nsenter', [`--net=/run/netns/${cluster.nodes[node - 1]!.namespace}`, cmd, ...args]),
    async stop() {
      for (const a of agents) await a.stop();
      for (const c of cris.values()) c.close();
      await server.stop();
      await cluster.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}

export function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`${cmd} ${args.join(' ')}: ${err}`))));
  });
}
