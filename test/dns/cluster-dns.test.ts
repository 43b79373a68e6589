// Cluster DNS on a real node: `flotilla serve` on the cluster bridge, a netns node, and
// `flotilla agent` with `dns: { enabled: true }` running INSIDE the node's network namespace (as
// the installer runs it), so the server listens on the node IP:53. Names are looked up from the
// node with busybox nslookup, and the kube-dns Service's endpoints follow the node.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDns } from '../../agent/dns/query.ts';
import { createTestCluster, netnsSkipReason, type TestCluster } from '../helpers/netns.ts';
import { startServer, waitFor, type TestServer } from '../helpers/server.ts';
import { startAgent, writeAgentConfig, type AgentProcess } from '../agent/agent-process.ts';

const LONG = 180_000;
/** Each wait gives up before its test does, so a failure names the step. */
const WAIT = 120_000;
const execFileAsync = promisify(execFile);

describe.skipIf(netnsSkipReason() !== undefined)('cluster DNS on a netns node', () => {
  let cluster: TestCluster;
  let server: TestServer;
  let agent: AgentProcess | undefined;
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

  /** A failed wait says what the agent logged up to then. */
  async function withAgentOutput<T>(wait: Promise<T>): Promise<T> {
    return wait.catch((err: Error) => {
      throw new Error(`${err.message}\nagent output:\n${agent?.output.slice(-3000)}`);
    });
  }

  async function getJson(args: string[]): Promise<any> {
    const res = await server.kubectl([...args, '-o', 'json']);
    return res.code === 0 ? JSON.parse(res.stdout) : undefined;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-dns-test-'));
    cluster = await createTestCluster({ nodes: 1 });
    // On the cluster bridge, allocating from this cluster's own pod range: node IPAM gives the
    // node the podCIDR the provider routed, and the agent takes it from its Node.
    server = await startServer({ args: cluster.serveArgs });
    const node = cluster.nodes[0]!;
    const config = writeAgentConfig(node, server.kubeconfig, dir, { dns: { enabled: true } });
    agent = startAgent(config, { netns: node.namespace });

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
    await agent?.stop();
    await server?.stop();
    await cluster?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it(
    'answers service names from inside the node',
    async () => {
      const web = await getJson(['get', 'svc', 'web']);
      const out = await withAgentOutput(
        waitFor(
          async () => {
            const text = await nslookup('web.default.svc.cluster.local');
            return text.includes(web.spec.clusterIP) ? text : undefined;
          },
          WAIT,
          'nslookup web.default.svc.cluster.local',
        ),
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
      const slice = await withAgentOutput(
        waitFor(
          async () => {
            const s = await getJson(['get', 'endpointslice', '-n', 'kube-system', 'kube-dns']);
            return s?.endpoints?.some((e: any) => e.addresses.includes(node.nodeIp)) ? s : undefined;
          },
          WAIT,
          `kube-dns endpoint for ${node.nodeIp}`,
        ),
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
