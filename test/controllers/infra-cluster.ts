// A cluster for the infrastructure controllers' end-to-end tests, wired the way `flotilla serve`
// wires it: the control plane in this process with its admission plugins and the controller
// manager (every controller, behind its Lease), the scheduler, simulated nodes, and the real
// kubectl. Timings a demo would shorten are shortened here too (node grace period, default
// tolerations), through the same options the serve flags set.
import { mkdtempSync, rmSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, silentLogger } from '../../api/client/index.ts';
import { nodeTransportFromKubeconfig } from '../../api/client/transport-node.ts';
import { startControlPlane, type RunningControlPlane } from '../../control-plane/serve.ts';
import { NodeSimulator } from '../../control-plane/simulate/simulator.ts';
import { kubectlSession, waitFor, type KubectlOptions, type KubectlResult } from '../helpers/server.ts';

export interface InfraClusterOptions {
  nodes?: number;
  /** Controllers to run (--controllers style); default all. */
  controllers?: string[];
  /** --node-monitor-grace-period. Default 4 s. */
  nodeMonitorGracePeriodMs?: number;
  /** --default-not-ready/unreachable-toleration-seconds. Default 2. */
  tolerationSeconds?: number;
}

export interface InfraCluster {
  plane: RunningControlPlane;
  client: Client;
  sim: NodeSimulator;
  kubeconfig: string;
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** kubectl that must succeed; returns stdout. */
  k(...args: string[]): Promise<string>;
  /** Parsed `kubectl get ... -o json`. */
  json(...args: string[]): Promise<any>;
  apply(manifest: unknown): Promise<string>;
  stop(): Promise<void>;
}

export async function startInfraCluster(opts: InfraClusterOptions = {}): Promise<InfraCluster> {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-infra-'));
  const tolerationSeconds = opts.tolerationSeconds ?? 2;
  const plane = await startControlPlane({
    dataDir: join(root, 'data'),
    port: 0,
    log: () => {},
    controllers: {
      names: opts.controllers,
      settings: { nodelifecycle: { nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriodMs ?? 4_000 } },
    },
    admission: {
      defaultTolerationSeconds: { notReadySeconds: tolerationSeconds, unreachableSeconds: tolerationSeconds },
    },
  });
  const client = new Client(nodeTransportFromKubeconfig({ kubeconfig: plane.kubeconfigPath }));
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  const sim = new NodeSimulator({
    client,
    count: opts.nodes ?? 3,
    renewIntervalMs: 1_000,
    logger: silentLogger,
  });
  await sim.start(ac.signal);
  const { kubectl, k, apply } = kubectlSession(plane.kubeconfigPath, join(root, 'kube-cache'));
  return {
    plane,
    client,
    sim,
    kubeconfig: plane.kubeconfigPath,
    kubectl,
    k,
    json: async (...args) => JSON.parse(await k('get', ...args, '-o', 'json')),
    apply,
    async stop() {
      ac.abort();
      await sim.stopped();
      client.close();
      await plane.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Re-check until it passes (reads through kubectl); the timeout is generous, the check decides. */
export function until<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 90_000,
): Promise<T> {
  return waitFor(check, timeoutMs, what, 250) as Promise<T>;
}
