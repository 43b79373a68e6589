// pod-startup: how long a pod takes from `create` (API) to Running (seen through a watch) on a
// real netns cluster made by `createCluster`, against the same run's raw CRI path
// (RunPodSandbox + CreateContainer + StartContainer straight against the nodes' containerd,
// same image, same concurrency). Where the API path's time went: each pod's create, scheduling
// and Running as this bench's watch saw them, the kubelets' own timelines of each pod (their
// "observed pod startup" log lines), and the CPU each part of the cluster (and the whole
// machine) spent during each path. Also the agent's RSS with its pods, and `cluster create` time
// for 3 nodes to Ready. Needs root (netns); about a minute and a half.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
const BENCH_CONNECTIONS = 4;

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

    const processes = clusterProcesses(home, name);
    let cpu = cpuSnapshot(processes);
    let rawCpuSeconds: Record<string, number> = {};
    const raw = await rawCriStartup(nodes, () => (rawCpuSeconds = cpuSpent(cpu, cpuSnapshot(processes))));
    cpu = cpuSnapshot(processes);
    // A few keep-alive connections, not the client's default 32: 32 TLS handshakes at the
    // moment the pods are created cost the control plane CPU no real client makes it spend
    // (kubectl and client-go send everything over one HTTP/2 connection).
    const client = new Client(
      nodeTransportFromKubeconfig({ kubeconfig: created.kubeconfig }, { maxSockets: BENCH_CONNECTIONS }),
    );
    let api;
    try {
      api = await apiStartup(client);
    } finally {
      client.close();
    }
    const apiCpuSeconds = cpuSpent(cpu, cpuSnapshot(processes));
    const kubelet = kubeletTimelines(nodes, api.timelines);
    const agentRssMiB = nodes.map((node) => agentRss(node));
    const agentPrivateMiB = nodes.map((node) => agentPrivateMemory(node));
    // The numbers above are taken right after the burst, garbage and all; these once the pods
    // have been running a while (the agent's steady state with its pods).
    await new Promise((done) => setTimeout(done, SETTLE_MS));
    const agentRssSettledMiB = nodes.map((node) => agentRss(node));
    const agentPrivateSettledMiB = nodes.map((node) => agentPrivateMemory(node));
    const overhead = {
      p50: ratio(api.latencies.p50Ms, raw.p50Ms),
      p99: ratio(api.latencies.p99Ms, raw.p99Ms),
    };
    const targets = {
      p99UnderOneSecond: api.latencies.p99Ms <= 1000,
      overheadAtMost25Percent: overhead.p99 <= 1.25,
      agentRssUnder80MiB: agentRssMiB.every((rss) => rss !== undefined && rss < 80),
      createUnder10Seconds: createSeconds < 10,
    };
    return {
      summary:
        `${PODS} pods on 2 nodes create->Running p50 ${api.latencies.p50Ms} ms p99 ${api.latencies.p99Ms} ms; raw CRI p50 ${raw.p50Ms} ms p99 ${raw.p99Ms} ms ` +
        `(x${overhead.p50} / x${overhead.p99}); agent RSS ${agentRssMiB.join(', ')} MiB ` +
        `(own ${agentPrivateMiB.join(', ')}); ${SETTLE_MS / 1000} s later ${agentRssSettledMiB.join(', ')} MiB ` +
        `(own ${agentPrivateSettledMiB.join(', ')}); ` +
        `cluster create (${NODES_FOR_CREATE} nodes Ready) ${createSeconds.toFixed(1)} s; ` +
        `other processes took ${rawCpuSeconds['otherCores']} / ${apiCpuSeconds['otherCores']} cores (raw / API path)`,
      pods: PODS,
      api: api.latencies,
      rawCri: raw,
      apiSegmentsMs: api.segments,
      kubeletSegmentsMs: kubelet,
      cpuSeconds: { rawCri: rawCpuSeconds, api: apiCpuSeconds },
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

/**
 * The same number of pods, the same concurrency, straight through CRI; removed afterwards
 * (`started` runs first, when the last pod has started).
 */
async function rawCriStartup(nodes: ProvisionedNode[], started: () => void) {
  const clients = nodes.map((node) => new CriClient(node.agent.containerRuntimeEndpoint));
  const made: { cri: CriClient; sandboxId: string }[] = [];
  const sandboxMs: number[] = [];
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
        const sent = performance.now();
        const sandboxId = await cri.runPodSandbox(sandboxConfig);
        sandboxMs.push(performance.now() - sent);
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
        return performance.now() - sent;
      }),
    );
    started();
    return { ...latencies(samples), sandboxReady: latencies(sandboxMs) };
  } finally {
    for (const { cri, sandboxId } of made) {
      await cri.stopPodSandbox(sandboxId).catch(() => undefined);
      await cri.removePodSandbox(sandboxId).catch(() => undefined);
    }
    for (const cri of clients) cri.close();
  }
}

/** What the bench saw of one pod, in ms on this process's clock (Date.now()). */
interface PodTimeline {
  createSent: number;
  createReturned?: number;
  /** On the bench's watch: the pod appeared, got its node, went Running. */
  added?: number;
  bound?: number;
  running?: number;
}

/**
 * Creates the pods at once through the API and times each to Running, seen on one watch; also
 * when each create returned and when the watch showed the pod created and bound, so a slow
 * tail can be placed (API create, scheduling, or the node).
 */
async function apiStartup(client: Client) {
  const pods = client.resource('v1', 'Pod').namespace('default');
  const timelines = new Map<string, PodTimeline>();
  const watch = await pods.watch({ labelSelector: 'bench=pod-startup' });
  let running = 0;
  const watching = (async () => {
    for await (const event of watch) {
      const at = Date.now();
      const pod = event.object as any;
      const t = timelines.get(pod?.metadata?.name as string);
      if (!t) continue;
      t.added ??= at;
      if (pod.spec?.nodeName) t.bound ??= at;
      if (pod.status?.phase === 'Running' && t.running === undefined) {
        t.running = at;
        if (++running === PODS) break;
      }
    }
  })();
  await Promise.all(
    Array.from({ length: PODS }, async (_, i) => {
      const t: PodTimeline = { createSent: Date.now() };
      timelines.set(`startup-${i}`, t);
      await pods.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `startup-${i}`, labels: { bench: 'pod-startup' } },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [
            { name: 'main', image: BUSYBOX_IMAGE, imagePullPolicy: 'Never', command: ['sleep', '100000'] },
          ],
        },
      } as any);
      t.createReturned = Date.now();
    }),
  );
  const deadline = setTimeout(() => watch.close(), 300_000);
  await watching;
  clearTimeout(deadline);
  watch.close();
  if (running < PODS) throw new Error(`only ${running} of ${PODS} pods became Running`);
  const all = [...timelines.values()];
  const segment = (from: keyof PodTimeline, to: keyof PodTimeline) =>
    latencies(all.map((t) => (t[to] ?? NaN) - (t[from] ?? NaN)).filter((ms) => !Number.isNaN(ms)));
  return {
    latencies: segment('createSent', 'running'),
    /** Each from the create being sent; p50 / p99 / max over the pods. */
    segments: {
      createReturned: segment('createSent', 'createReturned'),
      addedOnWatch: segment('createSent', 'added'),
      boundOnWatch: segment('createSent', 'bound'),
      boundToRunning: segment('bound', 'running'),
    },
    timelines,
  };
}

/**
 * The kubelets' own timelines ("observed pod startup" lines in each agent's log: when it first
 * saw the pod, then each step in ms after that), with the bench's create as the origin of the
 * first segment: p50 / p99 / max of each step over the pods.
 */
function kubeletTimelines(nodes: ProvisionedNode[], bench: Map<string, PodTimeline>) {
  const steps = new Map<string, number[]>();
  const add = (step: string, ms: number) => {
    if (!steps.has(step)) steps.set(step, []);
    steps.get(step)!.push(ms);
  };
  for (const node of nodes) {
    let log = '';
    try {
      log = readFileSync(join(node.agent.dataDir, 'agent.log'), 'utf8');
    } catch {
      continue;
    }
    for (const line of log.split('\n')) {
      if (!line.includes(' observed pod startup ')) continue;
      const fields = Object.fromEntries(
        line
          .split(' ')
          .filter((f) => f.includes('='))
          .map((f) => f.split('=') as [string, string]),
      );
      const t = bench.get(fields['pod']?.replace(/^default\//, '') ?? '');
      if (!t) continue;
      const seenAt = Number(fields['seenAt']);
      add('createToSeen', seenAt - t.createSent);
      for (const [step, ms] of Object.entries(fields))
        if (step !== 'pod' && step !== 'seenAt') add(step, Number(ms));
      if (t.running !== undefined)
        add('statusWrittenToBenchWatch', t.running - seenAt - Number(fields['statusWritten']));
    }
  }
  return Object.fromEntries([...steps].map(([step, ms]) => [step, latencies(ms)]));
}

interface ProcessGroups {
  /** Which group a process belongs to, from its command line; undefined: not this cluster's. */
  groupOf(cmdline: string, pid: number): string | undefined;
}

/** The cluster's processes by role: its supervisor (the control plane), agents, containerds, shims. */
function clusterProcesses(home: string, cluster: string): ProcessGroups {
  return {
    groupOf(cmdline, pid) {
      if (pid === process.pid) return 'bench';
      if (cmdline.includes(`cluster run ${cluster}`)) return 'controlPlane';
      if (!cmdline.includes(home)) return undefined;
      if (cmdline.includes('agent.mjs')) return 'agents';
      if (cmdline.includes('containerd-shim')) return 'shims';
      if (cmdline.includes('containerd')) return 'containerd';
      return 'otherOfCluster';
    },
  };
}

interface CpuSnapshot {
  /** Clock ticks per pid (own + reaped children), with its group. */
  pids: Map<number, { group: string; ticks: number }>;
  /** The whole machine's busy ticks. */
  machineBusy: number;
  at: number;
}

function cpuSnapshot(groups: ProcessGroups): CpuSnapshot {
  const pids = new Map<number, { group: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const group = groups.groupOf(cmdline, pid);
      if (!group) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime, cutime, cstime: fields 14-17, here 11-14 after pid, comm and state.
      const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      pids.set(pid, { group, ticks });
    } catch {
      // gone meanwhile
    }
  }
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const machineBusy = cpu.reduce((a, b) => a + b, 0) - cpu[3]! - (cpu[4] ?? 0);
  return { pids, machineBusy, at: performance.now() };
}

/**
 * CPU seconds each group spent between two snapshots (processes that exited in between count
 * through their parent's reaped-children time), the whole machine's, and how many cores on
 * average everything else took meanwhile (other engineers' builds, tests, clusters: the
 * noise that moves a run's ratio).
 */
function cpuSpent(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const hz = 100; // USER_HZ on Linux
  const out: Record<string, number> = {};
  for (const [pid, now] of after.pids) {
    const spent = now.ticks - (before.pids.get(pid)?.ticks ?? 0);
    out[now.group] = (out[now.group] ?? 0) + spent;
  }
  const cluster = Object.values(out).reduce((a, b) => a + b, 0);
  out['machine'] = after.machineBusy - before.machineBusy;
  const seconds = (after.at - before.at) / 1000;
  const spent = Object.entries(out).map(([group, ticks]) => [group, Math.round(ticks) / hz]);
  const otherCores = Math.round(((out['machine'] - cluster) / hz / seconds) * 100) / 100;
  return { ...Object.fromEntries(spent), seconds: Math.round(seconds * 10) / 10, otherCores };
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
