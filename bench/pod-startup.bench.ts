// pod-startup: how long a pod takes from `create` (API) to Running (seen through a watch) on a
// real netns cluster made by `createCluster`, against the same run's raw CRI path
// (RunPodSandbox + CreateContainer + StartContainer straight against the nodes' containerd,
// same image, same concurrency). Also the agent's RSS with its pods, and `cluster create` time
// for 3 nodes to Ready. Needs root (netns); about a minute and a half.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '../api/client/index.ts';
import { nodeTransportFromKubeconfig } from '../api/client/transport-node.ts';
import { CriClient, type PodSandboxConfig } from '../agent/kubelet/cri/index.ts';
import { netnsSupport } from '../control-plane/provision/netns/index.ts';
import type { ProvisionedNode } from '../control-plane/provision/provider.ts';
import { BUSYBOX_IMAGE } from '../resources/images/recipes.ts';
import { buildImageArchive } from '../resources/images/build.ts';

const PODS = 50;
const NODES_FOR_CREATE = 3;
const SETTLE_MS = 15_000;

export default async function bench() {
  const support = netnsSupport();
  if (!support.ok) return { summary: `skipped: ${support.reason}` };
  const home = mkdtempSync('/tmp/flt-bench-');
  process.env['FLOTILLA_HOME'] = home;
  const lib = await import('../control-plane/cluster/index.ts');
  const name = `bench${process.pid.toString(36)}`;
  try {
    const createStarted = Date.now();
    const created = await lib.createCluster({ name, provider: 'netns', nodes: NODES_FOR_CREATE });
    const createSeconds = (Date.now() - createStarted) / 1000;
    const createSteps = createStepTimes(lib.clusterPaths(name).events, createStarted);
    await lib.removeNode(name, `node-${NODES_FOR_CREATE}`);
    const nodes = lib.listNodes(name);
    await lib.loadImage(name, buildImageArchive(BUSYBOX_IMAGE, join(home, 'images')));

    const raw = await rawCriStartup(nodes);
    const client = new Client(nodeTransportFromKubeconfig({ kubeconfig: created.kubeconfig }));
    let api;
    try {
      api = await apiStartup(client);
    } finally {
      client.close();
    }
    const agentRssMiB = nodes.map((node) => agentRss(node));
    const agentPrivateMiB = nodes.map((node) => agentPrivateMemory(node));
    // The numbers above are taken right after the burst, garbage and all; these once the pods
    // have been running a while (the agent's steady state with its pods).
    await new Promise((done) => setTimeout(done, SETTLE_MS));
    const agentRssSettledMiB = nodes.map((node) => agentRss(node));
    const agentPrivateSettledMiB = nodes.map((node) => agentPrivateMemory(node));
    const overhead = {
      p50: ratio(api.p50Ms, raw.p50Ms),
      p99: ratio(api.p99Ms, raw.p99Ms),
    };
    const targets = {
      p99UnderOneSecond: api.p99Ms <= 1000,
      overheadAtMost25Percent: overhead.p99 <= 1.25,
      agentRssUnder80MiB: agentRssMiB.every((rss) => rss !== undefined && rss < 80),
      createUnder10Seconds: createSeconds < 10,
    };
    return {
      summary:
        `${PODS} pods on 2 nodes create->Running p50 ${api.p50Ms} ms p99 ${api.p99Ms} ms; raw CRI p50 ${raw.p50Ms} ms p99 ${raw.p99Ms} ms ` +
        `(x${overhead.p50} / x${overhead.p99}); agent RSS ${agentRssMiB.join(', ')} MiB ` +
        `(own ${agentPrivateMiB.join(', ')}); ${SETTLE_MS / 1000} s later ${agentRssSettledMiB.join(', ')} MiB ` +
        `(own ${agentPrivateSettledMiB.join(', ')}); ` +
        `cluster create (${NODES_FOR_CREATE} nodes Ready) ${createSeconds.toFixed(1)} s`,
      pods: PODS,
      api,
      rawCri: raw,
      overheadRatio: overhead,
      agentRssMiB,
      agentRssSettledMiB,
      clusterCreateSeconds: createSeconds,
      createSteps,
      agentPrivateMiB,
      agentPrivateSettledMiB,
      targets,
    };
  } finally {
    await lib.deleteCluster(name).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }
}

interface Latencies {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function latencies(samples: number[]): Latencies {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return { p50Ms: at(0.5), p99Ms: at(0.99), maxMs: Math.round(sorted.at(-1)!) };
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** The same number of pods, the same concurrency, straight through CRI; removed afterwards. */
async function rawCriStartup(nodes: ProvisionedNode[]): Promise<Latencies> {
  const clients = nodes.map((node) => new CriClient(node.agent.containerRuntimeEndpoint));
  const made: { cri: CriClient; sandboxId: string }[] = [];
  try {
    const samples = await Promise.all(
      Array.from({ length: PODS }, async (_, i) => {
        const node = nodes[i % nodes.length]!;
        const cri = clients[i % nodes.length]!;
        const uid = `raw-${i}-${process.pid}`;
        const sandboxConfig: PodSandboxConfig = {
          metadata: { name: `raw-${i}`, uid, namespace: 'bench' },
          hostname: `raw-${i}`,
          logDirectory: join(node.agent.dataDir, 'bench-pods', uid),
          linux: { cgroupParent: `${node.agent.cgroupParent}/pod${uid}` },
        };
        const started = performance.now();
        const sandboxId = await cri.runPodSandbox(sandboxConfig);
        made.push({ cri, sandboxId });
        const containerId = await cri.createContainer(
          sandboxId,
          {
            metadata: { name: 'main' },
            image: { image: BUSYBOX_IMAGE },
            command: ['sleep', '100000'],
            logPath: 'main/0.log',
          },
          sandboxConfig,
        );
        await cri.startContainer(containerId);
        return performance.now() - started;
      }),
    );
    return latencies(samples);
  } finally {
    for (const { cri, sandboxId } of made) {
      await cri.stopPodSandbox(sandboxId).catch(() => undefined);
      await cri.removePodSandbox(sandboxId).catch(() => undefined);
    }
    for (const cri of clients) cri.close();
  }
}

/** Creates the pods at once through the API and times each to Running, seen on one watch. */
async function apiStartup(client: Client): Promise<Latencies> {
  const pods = client.resource('v1', 'Pod').namespace('default');
  const createdAt = new Map<string, number>();
  const runningAt = new Map<string, number>();
  const watch = await pods.watch({ labelSelector: 'bench=pod-startup' });
  const watching = (async () => {
    for await (const event of watch) {
      const pod = event.object as any;
      const podName = pod?.metadata?.name as string | undefined;
      if (podName && pod.status?.phase === 'Running' && !runningAt.has(podName))
        runningAt.set(podName, performance.now());
      if (runningAt.size === PODS) break;
    }
  })();
  await Promise.all(
    Array.from({ length: PODS }, async (_, i) => {
      const podName = `startup-${i}`;
      createdAt.set(podName, performance.now());
      await pods.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: podName, labels: { bench: 'pod-startup' } },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [
            { name: 'main', image: BUSYBOX_IMAGE, imagePullPolicy: 'Never', command: ['sleep', '100000'] },
          ],
        },
      } as any);
    }),
  );
  const deadline = setTimeout(() => watch.close(), 300_000);
  await watching;
  clearTimeout(deadline);
  watch.close();
  if (runningAt.size < PODS) throw new Error(`only ${runningAt.size} of ${PODS} pods became Running`);
  return latencies([...runningAt].map(([podName, at]) => at - createdAt.get(podName)!));
}

/**
 * Where `cluster create` spent its time: each step of each node (from the cluster's
 * events.jsonl) with when it started and ended, in ms after the create began.
 */
function createStepTimes(
  eventsFile: string,
  startedAt: number,
): { step: string; node?: string; startMs: number; endMs: number }[] {
  const steps: { step: string; node?: string; startMs: number; endMs: number }[] = [];
  for (const line of readFileSync(eventsFile, 'utf8').split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as {
      time: string;
      step: string;
      node?: string;
      status: string;
      elapsedMs: number;
    };
    if (e.status !== 'done' || e.step === 'cluster') continue;
    const endMs = Date.parse(e.time) - startedAt;
    if (endMs < 0) continue;
    steps.push({ step: e.step, node: e.node, startMs: endMs - e.elapsedMs, endMs });
  }
  return steps;
}

/**
 * The agent's own memory in MiB (proportional set size): RSS also counts the pages of the Node.js
 * executable it has touched (about 45 MiB), which every Node process on the machine shares.
 */
function agentPrivateMemory(node: ProvisionedNode): number | undefined {
  try {
    const pid = readFileSync(join(node.agent.installDir, 'agent.pid'), 'utf8').trim();
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Math.round(Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1]) / 1024);
  } catch {
    return undefined;
  }
}

/** The agent's resident memory on the node, in MiB (its pid file is on this host for netns). */
function agentRss(node: ProvisionedNode): number | undefined {
  try {
    const pid = readFileSync(join(node.agent.installDir, 'agent.pid'), 'utf8').trim();
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return undefined;
  }
}
