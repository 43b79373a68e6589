// kube-proxy's health endpoints on netns nodes, probed from the host as a cloud load balancer
// would: the healthCheckNodePort of an externalTrafficPolicy Local LoadBalancer answers 200 on
// the node with a local endpoint and 503 on the other, and :10256/healthz answers on both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_CIDR, createTestCluster, netnsSkipReason, type TestCluster } from '../helpers/netns.ts';
import { startServer, waitFor, type TestServer } from '../helpers/server.ts';
import { startAgentInNetns, writeProxyAgentConfig, type NetnsAgent } from './agent-in-netns.ts';

const LONG = 240_000;

describe.skipIf(netnsSkipReason() !== undefined)('kube-proxy health servers on netns nodes', () => {
  let cluster: TestCluster;
  let server: TestServer;
  const agents: NetnsAgent[] = [];
  let dir: string;

  async function apply(...objects: object[]): Promise<void> {
    const res = await server.kubectl(['apply', '-f', '-'], {
      input: objects.map((o) => `---\n${JSON.stringify(o)}\n`).join(''),
    });
    expect(res.stderr).toBe('');
  }
  /** GET from the host; the status and JSON body, or undefined while nothing listens yet. */
  interface Answer {
    status: number;
    body: any;
  }
  async function probe(url: string): Promise<Answer | undefined> {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      return { status: res.status, body: await res.json() };
    } catch {
      return undefined;
    }
  }
  const endpointsOn = (nodes: string[]) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'lb-local-1',
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': 'lb-local' },
    },
    addressType: 'IPv4',
    endpoints: nodes.map((nodeName, i) => ({
      addresses: [`10.244.${i + 1}.200`],
      nodeName,
      conditions: { ready: true, serving: true, terminating: false },
    })),
    ports: [{ name: '', port: 8080, protocol: 'TCP' }],
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-proxy-health-test-'));
    cluster = await createTestCluster({ nodes: 2 });
    server = await startServer({ args: ['--address', cluster.gateway] });
    for (const node of cluster.nodes) {
      const config = writeProxyAgentConfig(node, server.kubeconfig, dir, CLUSTER_CIDR, node.podCIDR!);
      agents.push(startAgentInNetns(node, config));
    }
  }, LONG);

  afterAll(async () => {
    for (const a of agents) await a.stop();
    await server?.stop();
    await cluster?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, LONG);

  it(
    'answers /healthz on port 10256 of every node',
    async () => {
      for (const node of cluster.nodes) {
        const answer = await waitFor<Answer | undefined>(
          () => probe(`http://${node.nodeIp}:10256/healthz`),
          LONG - 60_000,
          `healthz on ${node.name}`,
          1_000,
        );
        expect(answer?.status).toBe(200);
        expect(answer?.body).toMatchObject({ nodeEligible: true, currentTime: expect.any(String) });
      }
    },
    LONG,
  );

  it(
    'sends a load balancer only to the node with a local endpoint',
    async () => {
      // No selector: the endpoints are exactly the slice below, one on node-1.
      await apply(
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'lb-local', namespace: 'default' },
          spec: {
            type: 'LoadBalancer',
            externalTrafficPolicy: 'Local',
            ports: [{ port: 80, targetPort: 8080 }],
          },
        },
        endpointsOn([cluster.nodes[0]!.name]),
      );
      const svc = JSON.parse((await server.kubectl(['get', 'service', 'lb-local', '-o', 'json'])).stdout);
      const hcPort: number = svc.spec.healthCheckNodePort;
      expect(hcPort).toBeGreaterThanOrEqual(30000);
      const [node1, node2] = cluster.nodes;
      const answerOf = (ip: string, status: number): Promise<Answer> =>
        waitFor<Answer>(
          async () => {
            const a = await probe(`http://${ip}:${hcPort}/`);
            return (a?.status === status ? a : undefined) as Answer;
          },
          LONG - 60_000,
          `${ip}:${hcPort} answering ${status}`,
          1_000,
        );
      expect((await answerOf(node1!.nodeIp, 200)).body).toEqual({
        service: { namespace: 'default', name: 'lb-local' },
        localEndpoints: 1,
        serviceProxyHealthy: true,
      });
      expect((await answerOf(node2!.nodeIp, 503)).body).toMatchObject({ localEndpoints: 0 });

      // The endpoint moves to node-2: the answers swap.
      await apply(endpointsOn([cluster.nodes[1]!.name]));
      await answerOf(node1!.nodeIp, 503);
      expect((await answerOf(node2!.nodeIp, 200)).body).toMatchObject({ localEndpoints: 1 });
    },
    LONG,
  );
});
