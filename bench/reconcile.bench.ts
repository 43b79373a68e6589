// Reconcile benchmark (npm run bench -- reconcile): how long the control plane takes to make a
// 1,000-replica Deployment fully Available on simulated nodes, and to finish a rolling update of
// it, as `flotilla serve` runs (API server, scheduler and controller manager in one process).
// Baseline, same run: creating the same number of bare pods straight through the API and having
// them bound and Running on the same nodes (no Deployment, no ReplicaSet), so the ratio shows
// what the workload controllers add on top of pod creation and scheduling.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, SharedInformerFactory, waitFor, type KubeObject } from '../api/client/index.ts';
import { nodeTransportFromKubeconfig } from '../api/client/transport-node.ts';
import { startControlPlane } from '../control-plane/serve.ts';
import { NodeSimulator } from '../control-plane/simulate/simulator.ts';

const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1000);
const NODES = Number(process.env.BENCH_NODES ?? 50);
const TIMEOUT_MS = 10 * 60_000;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

const podTemplate = (labels: Record<string, string>, image: string) => ({
  metadata: { labels },
  spec: {
    containers: [{ name: 'app', image, resources: { requests: { cpu: '1m', memory: '1Mi' } } }],
  },
});

export default async function reconcileBench() {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-bench-reconcile-'));
  const plane = await startControlPlane({
    dataDir: join(root, 'data'),
    port: 0,
    log: () => {},
    controllers: {},
  });
  const client = new Client(
    nodeTransportFromKubeconfig({ kubeconfig: plane.kubeconfigPath }, { maxSockets: 64 }),
  );
  const simulation = new AbortController();
  const nodes = new NodeSimulator({
    client,
    count: NODES,
    prefix: 'bench-',
    pods: 110,
    cpu: '64',
    memory: '256Gi',
  });
  const informers = new SharedInformerFactory(client);
  try {
    await nodes.start(simulation.signal);
    const pods = informers.informerFor('v1', 'Pod', { namespace: 'default' });
    const deployments = informers.informerFor('apps/v1', 'Deployment', { namespace: 'default' });
    informers.start(simulation.signal);
    await Promise.all([pods.waitForSync(), deployments.waitForSync()]);
    const running = (selector: string, value: string) => () =>
      pods
        .list()
        .filter((p: KubeObject) => p.metadata?.labels?.[selector] === value && p.status?.phase === 'Running')
        .length >= REPLICAS || undefined;

    // Baseline: the same number of bare pods, created 64 at a time, until all Running.
    const rawPods = client.resource('v1', 'Pod').namespace('default');
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < REPLICAS) {
          const i = next++;
          await rawPods.create({
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: `raw-${i}`, ...podTemplate({ bench: 'raw' }, 'busybox:1').metadata },
            spec: podTemplate({}, 'busybox:1').spec,
          });
        }
      }),
    );
    await waitFor(pods, running('bench', 'raw'), { timeoutMs: TIMEOUT_MS, description: 'raw pods Running' });
    const baselineMs = performance.now() - t0;
    await rawPods.deleteCollection({ labelSelector: 'bench=raw' }, { gracePeriodSeconds: 0 });
    await waitFor(pods, () => pods.list().length === 0 || undefined, {
      timeoutMs: TIMEOUT_MS,
      description: 'raw pods gone',
    });

    // A 1,000-replica Deployment from nothing to fully Available.
    const deploys = client.resource('apps/v1', 'Deployment').namespace('default');
    const available = (image: string) => () => {
      const d = deployments.get('default/web');
      const s = d?.status ?? {};
      const done =
        d &&
        s.observedGeneration === d.metadata?.generation &&
        s.updatedReplicas === REPLICAS &&
        s.availableReplicas === REPLICAS &&
        s.replicas === REPLICAS &&
        d.spec?.template?.spec?.containers?.[0]?.image === image;
      return done || undefined;
    };
    const t1 = performance.now();
    await deploys.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: REPLICAS,
        selector: { matchLabels: { app: 'web' } },
        strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: podTemplate({ app: 'web' }, 'nginx:1.25'),
      },
    });
    await waitFor(deployments, available('nginx:1.25'), {
      timeoutMs: TIMEOUT_MS,
      description: 'web Available',
    });
    const createMs = performance.now() - t1;

    // A rolling update of it (25% surge / 25% unavailable, the defaults) to completion.
    const t2 = performance.now();
    await deploys.patch('web', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.26' }] } } },
    });
    await waitFor(deployments, available('nginx:1.26'), {
      timeoutMs: TIMEOUT_MS,
      description: 'rollout done',
    });
    const rolloutMs = performance.now() - t2;

    const result = {
      replicas: REPLICAS,
      nodes: NODES,
      baselineBarePodsRunningMs: Math.round(baselineMs),
      deploymentAvailableMs: Math.round(createMs),
      rollingUpdateMs: Math.round(rolloutMs),
      ratios: {
        deploymentVsBarePods: round(createMs / baselineMs),
        rollingUpdateVsBarePods: round(rolloutMs / baselineMs),
      },
    };
    return {
      summary:
        `${REPLICAS}-replica Deployment Available in ${(createMs / 1000).toFixed(1)}s ` +
        `(${result.ratios.deploymentVsBarePods}x ${REPLICAS} bare pods Running, ${(baselineMs / 1000).toFixed(1)}s); ` +
        `rolling update ${(rolloutMs / 1000).toFixed(1)}s (${result.ratios.rollingUpdateVsBarePods}x) on ${NODES} simulated nodes`,
      ...result,
    };
  } finally {
    simulation.abort();
    await nodes.stopped();
    client.close();
    await plane.close();
    rmSync(root, { recursive: true, force: true });
  }
}
