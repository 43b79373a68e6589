// Cluster DNS on a real node: `flotilla serve` on the cluster bridge, a netns node, and
// `flotilla agent` with `dns: { enabled: true }` running INSIDE the node's network namespace (as
// the installer runs it), so the server listens on the node IP:53. Names are looked up from the
// node with busybox nslookup, and the kube-dns Service's endpoints follow the node.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { queryDns } from '../../agent/dns/query.ts';
import { createTestCluster, netnsSkipReason, type TestCluster } from '../helpers/netns.ts';
import { startServer, waitFor, type TestServer } from '../helpers/server.ts';

const LONG = 180_000;
const bin = resolve(import.meta.dirname, '..', '..', 'cli', 'bin.mjs');
const execFileAsync = promisify(execFile);

describe.skipIf(netnsSkipReason() !== undefined)('cluster DNS on a netns node', () => {
  let cluster: TestCluster;
  let server: TestServer;
  let agent: ChildProcess;
  let output = '';
  let dir: string;

  /** busybox nslookup run inside the node's network namespace, against the node's DNS. */
  async function nslookup(name: string): Promise<string> {
    const node = cluster.nodes[0]!;
    const { stdout } = await execFileAsync(
      'ip',
      ['netns', 'exec', node.namespace, 'busybox', 'nslookup', name, node.nodeIp],
      { timeout: 30_000 },
    ).catch((err: { stdout?: string; stderr?: string }) => ({
      stdout: `${err.stdout ?? ''}${err.stderr ?? ''}`,
    }));
    return stdout;
  }

  async function getJson(args: string[]): Promise<any> {
    const res = await server.kubectl([...args, '-o', 'json']);
    return res.code === 0 ? JSON.parse(res.stdout) : undefined;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-dns-test-'));
    cluster = await createTestCluster({ nodes: 1 });
    server = await startServer({ args: ['--address', cluster.gateway] });
    const node = cluster.nodes[0]!;
    const config = join(dir, 'agent.yaml');
    writeFileSync(
      config,
      stringify({
        nodeName: node.name,
        kubeconfig: server.kubeconfig,
        containerRuntimeEndpoint: node.containerdSocket,
        cniConfDir: node.cniConfDir,
        podCIDR: 'node',
        dataDir: join(node.nodeDir, 'agent'),
        nodeIP: node.nodeIp,
        cgroupParent: node.cgroupParent,
        dns: { enabled: true },
      }),
    );
    agent = spawn(
      'ip',
      ['netns', 'exec', node.namespace, process.execPath, bin, 'agent', '--config', config],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const killOnExit = () => agent.kill('SIGKILL');
    process.once('exit', killOnExit);
    agent.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c));
    agent.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c));

    const objects = [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'default' },
        spec: { ports: [{ name: 'http', port: 80 }] },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'nginx', namespace: 'default' },
        spec: { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] },
      },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: 'nginx-1',
          namespace: 'default',
          labels: { 'kubernetes.io/service-name': 'nginx' },
        },
        addressType: 'IPv4',
        endpoints: [
          { addresses: ['10.244.1.20'], hostname: 'web-0', conditions: { ready: true } },
          { addresses: ['10.244.1.21'], hostname: 'web-1', conditions: { ready: true } },
        ],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ];
    const applied = await server.kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
    });
    expect(applied.code, applied.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    if (agent && agent.exitCode === null) {
      const exited = new Promise((done) => agent.once('exit', done));
      agent.kill('SIGTERM');
      await exited;
    }
    await server?.stop();
    await cluster?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it(
    'answers service names from inside the node',
    async () => {
      const web = await getJson(['get', 'svc', 'web']);
      const out = await waitFor(
        async () => {
          const text = await nslookup('web.default.svc.cluster.local');
          return text.includes(web.spec.clusterIP) ? text : undefined;
        },
        LONG,
        `nslookup web.default.svc.cluster.local\nagent output:\n${output.slice(-3000)}`,
      );
      expect(out).toContain(`Address: ${web.spec.clusterIP}`);
      expect(await nslookup('web-1.nginx.default.svc.cluster.local')).toContain('10.244.1.21');
      expect(await nslookup('missing.default.svc.cluster.local')).toMatch(/NXDOMAIN|can't find/);
    },
    LONG,
  );

  it(
    'answers SRV over UDP and TCP at the node IP from the host',
    async () => {
      const node = cluster.nodes[0]!;
      for (const transport of ['udp', 'tcp'] as const) {
        const r = await queryDns({
          host: node.nodeIp,
          port: 53,
          name: '_http._tcp.nginx.default.svc.cluster.local',
          type: 'SRV',
          transport,
        });
        expect(r.answers.map((a) => (a as { data: { target: string } }).data.target).sort()).toEqual([
          'web-0.nginx.default.svc.cluster.local',
          'web-1.nginx.default.svc.cluster.local',
        ]);
      }
    },
    LONG,
  );

  it(
    'serves query counters on the metrics port (9153) of the node',
    async () => {
      const node = cluster.nodes[0]!;
      const text = await (await fetch(`http://${node.nodeIp}:9153/metrics`)).text();
      expect(text).toMatch(/^coredns_dns_requests_total\{proto="udp"\} [1-9]\d*$/m);
      expect(text).toMatch(/^coredns_dns_responses_total\{rcode="NOERROR"\} [1-9]\d*$/m);
    },
    LONG,
  );

  it(
    'lists the node in the kube-dns Service endpoints (10.96.0.10) once it is Ready',
    async () => {
      const node = cluster.nodes[0]!;
      const svc = await getJson(['get', 'svc', '-n', 'kube-system', 'kube-dns']);
      expect(svc.spec.clusterIP).toBe('10.96.0.10');
      const slice = await waitFor(
        async () => {
          const s = await getJson(['get', 'endpointslice', '-n', 'kube-system', 'kube-dns']);
          return s?.endpoints?.some((e: any) => e.addresses.includes(node.nodeIp)) ? s : undefined;
        },
        LONG,
        `kube-dns endpoint for ${node.nodeIp}\nagent output:\n${output.slice(-3000)}`,
      );
      expect(slice.ports.map((p: any) => `${p.name}:${p.port}/${p.protocol}`).sort()).toEqual([
        'dns-tcp:53/TCP',
        'dns:53/UDP',
        'metrics:9153/TCP',
      ]);
    },
    LONG,
  );
});
