// A control plane in this process (SQLite in a temp dir, the scheduler it starts itself) with
// simulated nodes, the real kubectl, and an informer-backed view of pods to wait on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Client,
  SharedInformerFactory,
  silentLogger,
  waitFor,
  waitForObject,
  type KubeObject,
  type SharedIndexInformer,
} from '../../api/client/index.ts';
import { nodeTransportFromKubeconfig } from '../../api/client/transport-node.ts';
import { startControlPlane, type RunningControlPlane } from '../../control-plane/serve.ts';
import { NodeSimulator, type SimulatorConfig } from '../../control-plane/simulate/simulator.ts';
import { kubectl as runKubectl, type KubectlResult } from '../helpers/server.ts';

export interface SimCluster {
  plane: RunningControlPlane;
  client: Client;
  sim: NodeSimulator;
  pods: SharedIndexInformer;
  kubectl(...args: string[]): Promise<KubectlResult>;
  /** kubectl that must succeed; returns stdout. */
  k(...args: string[]): Promise<string>;
  /** Wait (on watch events, no polling) until the pod satisfies the predicate. */
  waitPod(
    name: string,
    ok: (pod: KubeObject | undefined) => boolean,
    what: string,
  ): Promise<KubeObject | undefined>;
  waitPods(ok: (pods: KubeObject[]) => boolean, what: string): Promise<void>;
  /** Wait until events with these reasons exist for the pod (events are written asynchronously). */
  waitEvents(pod: string, reasons: string[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startSimCluster(sim: Omit<SimulatorConfig, 'client'>): Promise<SimCluster> {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-sched-'));
  const plane = await startControlPlane({ dataDir: join(root, 'data'), port: 0, log: () => {} });
  const client = new Client(nodeTransportFromKubeconfig({ kubeconfig: plane.kubeconfigPath }));
  const ac = new AbortController();
  const simulator = new NodeSimulator({ client, renewIntervalMs: 1000, ...sim });
  await simulator.start(ac.signal);
  const informers = new SharedInformerFactory(client, { logger: silentLogger });
  const pods = informers.informerFor('v1', 'Pod', { namespace: 'default' });
  const events = informers.informerFor('v1', 'Event', { namespace: 'default' });
  informers.start(ac.signal);
  await informers.waitForCacheSync({ timeoutMs: 60_000 });
  const env = { KUBECONFIG: plane.kubeconfigPath, KUBECACHEDIR: join(root, 'kube-cache') };
  const kubectl = (...args: string[]) => runKubectl(args, { env });
  return {
    plane,
    client,
    sim: simulator,
    pods,
    kubectl,
    async k(...args) {
      const r = await kubectl(...args);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    waitPod: (name, ok, what) =>
      waitForObject(pods, `default/${name}`, ok, { timeoutMs: 90_000, description: `pod ${name} ${what}` }),
    waitPods: async (ok, what) => {
      await waitFor(pods, () => ok(pods.list()), { timeoutMs: 90_000, description: what });
    },
    waitEvents: async (pod, reasons) => {
      const have = () =>
        new Set(
          events
            .list()
            .filter((e) => e.involvedObject?.name === pod)
            .map((e) => e.reason as string),
        );
      await waitFor(events, () => reasons.every((r) => have().has(r)), {
        timeoutMs: 90_000,
        description: `events ${reasons.join(', ')} for pod ${pod}`,
      });
    },
    async stop() {
      ac.abort();
      await simulator.stopped();
      await informers.stopped();
      client.close();
      await plane.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export const bare = (
  name: string,
  spec: Record<string, unknown> = {},
  labels: Record<string, string> = {},
) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
});

export const requests = (r: Record<string, string>) => ({
  containers: [{ name: 'c', image: 'nginx', resources: { requests: r } }],
});
