// One netns node, a real `flotilla serve` on the cluster bridge and an agent on the node: the
// set-up the agent, pod-feature, join, service-account and streaming e2e suites share. Each suite
// says how its agent is started (plain kubeconfig, bootstrap join, inside the node's netns);
// the fixture waits for the node and tears everything down in reverse order.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetnsNode } from '../../control-plane/provision/netns/index.ts';
import { createTestCluster, type TestCluster } from './netns.ts';
import { startServer, waitFor, type TestServer } from './server.ts';
import type { AgentProcess } from '../agent/agent-process.ts';

export interface OneNodeCluster {
  cluster: TestCluster;
  server: TestServer;
  node: NetnsNode;
  /** The running agent; a suite that restarts it assigns the new one here, so `stop` stops it. */
  agent: AgentProcess;
  /** A temporary folder for the suite's files, removed by `stop`. */
  dir: string;
  /** `kubectl ARGS -o json`, parsed; undefined when kubectl fails (e.g. NotFound). */
  getJson(args: string[]): Promise<any>;
  stop(): Promise<void>;
}

export interface OneNodeClusterOptions {
  /** The temporary folder's name prefix, so leftovers say which suite made them. */
  prefix: string;
  startAgent(node: NetnsNode, server: TestServer, dir: string): AgentProcess | Promise<AgentProcess>;
  /** What to wait for before the suite starts: the Node object, Ready, or nothing. */
  waitFor?: 'registered' | 'ready' | 'nothing';
  timeoutMs?: number;
}

export async function startOneNodeCluster(opts: OneNodeClusterOptions): Promise<OneNodeCluster> {
  const dir = mkdtempSync(join(tmpdir(), opts.prefix));
  const parts: Partial<OneNodeCluster> = { dir };
  const stop = async () => {
    await parts.agent?.stop();
    await parts.server?.stop();
    await parts.cluster?.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const cluster = (parts.cluster = await createTestCluster({ nodes: 1, withTestImages: true }));
    // On the cluster bridge (where nodes reach the control plane, docs/netns.md), allocating
    // podCIDRs from this cluster's own range: the podCIDR the agent reads from its Node is the
    // one the provider routed, and no host route can capture another test cluster's traffic.
    const server = (parts.server = await startServer({ args: cluster.serveArgs }));
    const node = cluster.nodes[0]!;
    const agent = (parts.agent = await opts.startAgent(node, server, dir));
    const getJson = async (args: string[]) => {
      const res = await server.kubectl([...args, '-o', 'json']);
      return res.code === 0 ? JSON.parse(res.stdout) : undefined;
    };
    const wanted = opts.waitFor ?? 'registered';
    if (wanted !== 'nothing') {
      await waitFor(
        async () => {
          const conditions: any[] | undefined = (await getJson(['get', 'node', node.name]))?.status
            ?.conditions;
          if (wanted === 'registered') return conditions;
          return conditions?.find((c) => c.type === 'Ready')?.status === 'True';
        },
        opts.timeoutMs ?? 180_000,
        `node ${wanted}\nagent output:\n${agent.output.slice(-3000)}`,
      );
    }
    return Object.assign(parts, { cluster, server, node, agent, dir, getJson, stop });
  } catch (err) {
    await stop();
    throw err;
  }
}
