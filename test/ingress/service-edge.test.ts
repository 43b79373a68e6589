// The service edge on a real node, as a cluster runs it: `flotilla serve`, one netns node, and
// `flotilla agent` inside the node's network namespace with kube-proxy (iptables), cluster DNS
// and the ingress all on. Real pods (busybox httpd answering "hello from <pod>"):
//  - a pod resolves a service by its short name through 10.96.0.10 and fetches it;
//  - a LoadBalancer service gets the node IP as its ingress and answers there and, through
//    the host port forwarder, on 127.0.0.1:<port> of the host;
//  - an Ingress routes two hosts on the node's port 80, and on a localhost port of the host.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../api/client/index.ts';
import { nodeTransportFromKubeconfig } from '../../api/client/transport-node.ts';
import { CriClient } from '../../agent/kubelet/cri/index.ts';
import { startHostPorts, type RunningHostPorts } from '../../control-plane/hostports/host-ports.ts';
import { BUSYBOX_IMAGE, HTTPD_IMAGE } from '../helpers/images.ts';
import { createTestCluster, netnsSkipReason, type TestCluster } from '../helpers/netns.ts';
import { startServer, waitFor, type TestServer } from '../helpers/server.ts';
import { startAgent, writeAgentConfig, type AgentProcess } from '../agent/agent-process.ts';

const LONG = 240_000;
/** Waits end before the test's own timeout, so their message (with the agent's log) is seen. */
const WAIT = 120_000;

describe.skipIf(netnsSkipReason() !== undefined)('service edge on a netns node', () => {
  let cluster: TestCluster;
  let server: TestServer;
  let agent: AgentProcess;
  let cri: CriClient;
  let client: Client;
  let hostPorts: RunningHostPorts;
  let ingressHostPort: number;
  let lbPort: number;
  let dir: string;

  const kubectl = (args: string[], input?: string) => server.kubectl(args, input ? { input } : undefined);
  async function getJson(args: string[]): Promise<any> {
    const res = await kubectl([...args, '-o', 'json']);
    return res.code === 0 ? JSON.parse(res.stdout) : undefined;
  }
  async function apply(...items: object[]): Promise<void> {
    const res = await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
    );
    expect(res.code, res.stderr).toBe(0);
  }
  const logs = () => agent.output.slice(-4000);
  /** A failed wait says what the agent logged up to the failure. */
  const withLogs = (err: Error): never => {
    throw new Error(`${err.message}\n${logs()}`);
  };

  const pod = (name: string, labels: Record<string, string>, image = HTTPD_IMAGE, command?: string[]) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: {
      nodeName: cluster.nodes[0]!.name,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image, imagePullPolicy: 'Never', ...(command ? { command } : {}) }],
    },
  });
  const service = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { ports: [{ name: 'http', port: 80, targetPort: 80 }], ...spec },
  });

  async function running(name: string): Promise<void> {
    await waitFor(
      async () => {
        const p = await getJson(['get', 'pod', name]);
        return p?.status?.containerStatuses?.[0]?.state?.running && p.status.podIP;
      },
      WAIT,
      `pod ${name} running`,
    ).catch(withLogs);
  }

  async function inClient(script: string): Promise<string> {
    const p = await getJson(['get', 'pod', 'client']);
    const id = p.status.containerStatuses[0].containerID.replace('containerd://', '');
    const res = await cri.execSync(id, ['sh', '-c', script], 60);
    return res.stdout.toString() + res.stderr.toString();
  }

  function fetchFromHost(host: string, port: number, path = '/', hostHeader?: string): Promise<string> {
    return new Promise((ok, fail) => {
      const req = request(
        { host, port, path, timeout: 10_000, headers: hostHeader ? { host: hostHeader } : {} },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c));
          res.on('end', () => ok(`${res.statusCode} ${body.trim()}`));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', fail);
      req.end();
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-edge-test-'));
    cluster = await createTestCluster({ nodes: 1, withTestImages: true });
    // On the cluster bridge, allocating from this cluster's own pod range: node IPAM gives the
    // node the podCIDR the provider routed, and the agent takes it from its Node.
    server = await startServer({ args: cluster.serveArgs });
    const node = cluster.nodes[0]!;
    const config = writeAgentConfig(node, server.kubeconfig, dir, {
      kubeletPort: 0,
      clusterCIDR: cluster.clusterCIDR,
      proxy: { mode: 'iptables' },
      dns: { enabled: true },
      ingress: { enabled: true },
    });
    agent = startAgent(config, { netns: node.namespace });
    cri = new CriClient(node.containerdSocket);
    client = new Client(nodeTransportFromKubeconfig({ kubeconfig: server.kubeconfig }));
    lbPort = await freePort();
    ingressHostPort = await freePort();
    hostPorts = startHostPorts({ client, ingress: { http: ingressHostPort, https: 0 }, retryMs: 1000 });
    await apply(
      pod('client', { role: 'client' }, BUSYBOX_IMAGE, ['sleep', '3600']),
      pod('web-a', { app: 'a' }),
      pod('web-b', { app: 'b' }),
      service('a', { selector: { app: 'a' } }),
      service('b', { selector: { app: 'b' } }),
      {
        ...service('lb', { selector: { app: 'a' }, type: 'LoadBalancer' }),
        spec: { type: 'LoadBalancer', selector: { app: 'a' }, ports: [{ port: lbPort, targetPort: 80 }] },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web', namespace: 'default' },
        spec: {
          // busybox httpd serves only /: route by host here (test/ingress/ingress.test.ts has paths).
          rules: [
            {
              host: 'a.test',
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: { service: { name: 'a', port: { name: 'http' } } },
                  },
                ],
              },
            },
            {
              host: 'b.test',
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: { service: { name: 'b', port: { number: 80 } } },
                  },
                ],
              },
            },
          ],
        },
      },
    );
    for (const name of ['client', 'web-a', 'web-b']) await running(name);
  }, 400_000);

  afterAll(async () => {
    await hostPorts?.close();
    client?.close();
    await agent?.stop();
    cri?.close();
    await server?.stop();
    await cluster?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it(
    'resolves a service by its short name from a pod and fetches it',
    async () => {
      const out = await waitFor(
        async () => {
          const text = await inClient('timeout 10 wget -qO- http://a/ 2>&1 || echo FAILED');
          return text.includes('hello from web-a') ? text : undefined;
        },
        WAIT,
        `wget http://a/ from a pod`,
      ).catch(withLogs);
      expect(out).toContain('hello from web-a');
      const cat = await inClient('cat /etc/resolv.conf');
      expect(cat).toContain('nameserver 10.96.0.10');
      expect(cat).toContain('search default.svc.cluster.local svc.cluster.local cluster.local');
      expect(await inClient('nslookup b.default.svc.cluster.local')).toContain(
        (await getJson(['get', 'svc', 'b'])).spec.clusterIP,
      );
    },
    LONG,
  );

  it(
    'gives a LoadBalancer service the node IP, answering there and on localhost of the host',
    async () => {
      const nodeIp = cluster.nodes[0]!.nodeIp;
      await waitFor(
        async () => (await getJson(['get', 'svc', 'lb']))?.status?.loadBalancer?.ingress?.[0]?.ip === nodeIp,
        WAIT,
        'lb status.loadBalancer.ingress',
      );
      const onNode = await waitFor(
        async () => fetchFromHost(nodeIp, lbPort).catch(() => undefined),
        WAIT,
        `${nodeIp}:${lbPort}`,
      ).catch(withLogs);
      expect(onNode).toBe('200 hello from web-a');
      const onHost = await waitFor(
        async () => fetchFromHost('127.0.0.1', lbPort).catch(() => undefined),
        WAIT,
        `localhost:${lbPort}`,
      );
      expect(onHost).toBe('200 hello from web-a');
    },
    LONG,
  );

  it(
    'routes by host through the ingress on the node (HTTP and HTTPS) and on a localhost port of the host',
    async () => {
      const nodeIp = cluster.nodes[0]!.nodeIp;
      for (const [host, want] of [
        ['a.test', 'hello from web-a'],
        ['b.test', 'hello from web-b'],
      ] as const) {
        const viaNode = await waitFor(
          async () => {
            const r = await fetchFromHost(nodeIp, 80, '/', host).catch(() => undefined);
            return r?.includes(want) ? r : undefined;
          },
          WAIT,
          `ingress ${host} on ${nodeIp}:80`,
        ).catch(withLogs);
        expect(viaNode).toContain(want);
        const viaHost = await waitFor(
          async () => {
            const r = await fetchFromHost('127.0.0.1', ingressHostPort, '/', host).catch(() => undefined);
            return r?.includes(want) ? r : undefined;
          },
          WAIT,
          `ingress ${host} on localhost:${ingressHostPort}`,
        );
        expect(viaHost).toContain(want);
      }
      const ing = await waitFor(
        async () => (await getJson(['get', 'ingress', 'web']))?.status?.loadBalancer?.ingress,
        WAIT,
        'ingress status',
      );
      expect(ing).toEqual([{ ip: nodeIp }]);
      // HTTPS on the node's port 443, with the default certificate (no TLS Secret here).
      const tls = await new Promise<{ body: string; issuer: string }>((ok, fail) => {
        const req = httpsRequest(
          {
            host: nodeIp,
            port: 443,
            path: '/',
            servername: 'b.test',
            headers: { host: 'b.test' },
            rejectUnauthorized: false,
          },
          (res) => {
            const issuer = String((res.socket as TLSSocket).getPeerCertificate().issuer?.CN ?? '');
            let body = '';
            res.setEncoding('utf8').on('data', (c: string) => (body += c));
            res.on('end', () => ok({ body: body.trim(), issuer }));
          },
        );
        req.on('error', fail);
        req.end();
      });
      expect(tls).toEqual({ body: 'hello from web-b', issuer: 'Flotilla Ingress Default Certificate' });
    },
    LONG,
  );
});

/** A port free on 127.0.0.1 (the host side) from the ephemeral-ish range. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
