// One control plane per test file for the workload controller tests: the real API server and
// scheduler (in this process, SQLite store in a temp dir), the controllers under test started
// through the controller manager, simulated nodes (`node-1`...) running the pods, and the real
// kubectl.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type KubeObject } from '../../api/client/index.ts';
import { nodeTransportFromKubeconfig } from '../../api/client/transport-node.ts';
import { startControllerManager, type RunningControllers } from '../../control-plane/controllers/manager.ts';
import { startControlPlane, type RunningControlPlane } from '../../control-plane/serve.ts';
import { kubectlSession, waitFor, type KubectlOptions, type KubectlResult } from '../helpers/server.ts';
import { NodeSimulator } from '../../control-plane/simulate/simulator.ts';

export interface TestCluster {
  client: Client;
  nodes: NodeSimulator;
  kubeconfig: string;
  controllers: RunningControllers;
  plane: RunningControlPlane;
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** kubectl that must succeed; returns stdout. */
  k(...args: string[]): Promise<string>;
  /** `kubectl apply -f -` of a manifest. */
  apply(manifest: string): Promise<string>;
  /** Parsed `kubectl get -o json`. */
  getJson(...args: string[]): Promise<any>;
  stop(): Promise<void>;
}

export interface TestClusterOptions {
  controllers: string[];
  nodes?: number;
  /** Per-controller settings for the manager (e.g. a faster Job back-off, a shifted CronJob clock). */
  settings?: Record<string, Record<string, unknown>>;
}

export async function startTestCluster(opts: TestClusterOptions): Promise<TestCluster> {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-controllers-'));
  const plane = await startControlPlane({ dataDir: join(root, 'data'), port: 0, log: () => {} });
  const client = new Client(nodeTransportFromKubeconfig({ kubeconfig: plane.kubeconfigPath }));
  const simulation = new AbortController();
  const nodes = new NodeSimulator({ client, count: opts.nodes ?? 3, prefix: 'node-' });
  await nodes.start(simulation.signal);
  const controllers = startControllerManager({
    client,
    controllers: opts.controllers,
    settings: opts.settings,
  });
  const { kubectl, k, apply } = kubectlSession(plane.kubeconfigPath, join(root, 'kube-cache'));
  return {
    client,
    nodes,
    kubeconfig: plane.kubeconfigPath,
    controllers,
    plane,
    kubectl,
    k,
    apply,
    getJson: async (...args) => JSON.parse(await k('get', ...args, '-o', 'json')),
    async stop() {
      await controllers.stop();
      simulation.abort();
      await nodes.stopped();
      client.close();
      await plane.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Re-check `check` (reading through kubectl or the client) every 250 ms until it passes; never a fixed sleep. */
export function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 90_000,
): Promise<T> {
  return waitFor(check, timeoutMs, what, 250) as Promise<T>;
}

export const items = (list: { items?: KubeObject[] }) => list.items ?? [];
