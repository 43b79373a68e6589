// The load side of the scheduler benchmark, in its own process like real clients: 1,000
// simulated nodes (heartbeats on, pod lifecycle off: this measures scheduling), then on "raw"
// pod creates nobody schedules (the API's create ceiling), then on "schedule" 10,000 pods
// created through the API while a watch records when each is bound. Talks JSON lines.
import { createInterface } from 'node:readline';
import { Client, silentLogger } from '../api/client/index.ts';
import { nodeTransportFromKubeconfig } from '../api/client/transport-node.ts';
import { NodeSimulator } from '../control-plane/simulate/simulator.ts';

const [kubeconfig, nodesArg, podsArg, rawArg, concurrencyArg] = process.argv.slice(2);
const NODES = Number(nodesArg);
const PODS = Number(podsArg);
const RAW = Number(rawArg);
const CONCURRENCY = Number(concurrencyArg);

const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
const client = new Client(
  nodeTransportFromKubeconfig({ kubeconfig: kubeconfig! }, { maxSockets: CONCURRENCY }),
);
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const pod = (name: string, schedulerName?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    ...(schedulerName ? { schedulerName } : {}),
    containers: [
      {
        name: 'c',
        image: 'registry.k8s.io/pause:3.10',
        resources: { requests: { cpu: '100m', memory: '64Mi' } },
      },
    ],
  },
});

/** Create `count` pods with `concurrency` in flight; returns per-create send times and latencies. */
async function createMany(
  ns: string,
  count: number,
  make: (i: number) => object,
  sent: Float64Array,
  answered = new Float64Array(count),
) {
  const pods = client.resource('v1', 'Pod').namespace(ns);
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t = performance.now();
      sent[i] = t;
      try {
        await pods.create(make(i) as any);
        answered[i] = performance.now();
        latencies.push(answered[i]! - t);
      } catch {
        errors++;
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { seconds: (performance.now() - start) / 1000, latencies: latencies.sort((a, b) => a - b), errors };
}

const ac = new AbortController();
const commands = createInterface({ input: process.stdin });
const waitCommand = (name: string) =>
  new Promise<void>((ok) => commands.on('line', (l) => l.trim() === name && ok()));

for (const ns of ['bench', 'bench-raw'])
  await client
    .resource('v1', 'Namespace')
    .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });

let t = performance.now();
const sim = new NodeSimulator({
  client,
  count: NODES,
  podLifecycle: false,
  events: false,
  logger: silentLogger,
});
await sim.start(ac.signal);
say({ event: 'nodes-ready', seconds: (performance.now() - t) / 1000 });

await waitCommand('raw');
const rawSent = new Float64Array(RAW);
const raw = await createMany('bench-raw', RAW, (i) => pod(`raw-${i}`, 'nobody'), rawSent);
say({
  event: 'raw',
  createsPerSecond: RAW / raw.seconds,
  p50Ms: percentile(raw.latencies, 50),
  p99Ms: percentile(raw.latencies, 99),
  errors: raw.errors,
});

await waitCommand('schedule');
const sent = new Float64Array(PODS);
const answered = new Float64Array(PODS);
const bound = new Float64Array(PODS);
let boundCount = 0;
let allBound!: () => void;
const done = new Promise<void>((ok) => (allBound = ok));
const watch = await client
  .resource('v1', 'Pod')
  .namespace('bench')
  .watch({ resourceVersion: '0', signal: ac.signal });
void (async () => {
  for await (const ev of watch) {
    const name = ev.object?.metadata?.name as string | undefined;
    if (!name || !ev.object?.spec?.nodeName) continue;
    const i = Number(name.slice(2));
    if (bound[i] === 0) {
      bound[i] = performance.now();
      if (++boundCount === PODS) allBound();
    }
  }
})().catch(() => {});
const cpu0 = process.cpuUsage();
t = performance.now();
say({ event: 'schedule-start' });
const created = await createMany('bench', PODS, (i) => pod(`p-${i}`), sent, answered);
const createdAt = performance.now();
const timeout = new Promise<void>((ok) => setTimeout(ok, 180_000));
await Promise.race([done, timeout]);
const end = performance.now();
const cpu = process.cpuUsage(cpu0);
const latencies: number[] = [];
const afterCreate: number[] = [];
for (let i = 0; i < PODS; i++) {
  if (bound[i]! > 0) latencies.push(bound[i]! - sent[i]!);
  if (bound[i]! > 0 && answered[i]! > 0) afterCreate.push(Math.max(0, bound[i]! - answered[i]!));
}
latencies.sort((a, b) => a - b);
afterCreate.sort((a, b) => a - b);
const lastBound = Math.max(...bound);
say({
  event: 'scheduled',
  pods: PODS,
  bound: boundCount,
  createErrors: created.errors,
  createSeconds: (createdAt - t) / 1000,
  createsPerSecond: PODS / ((createdAt - t) / 1000),
  seconds: ((boundCount === PODS ? lastBound : end) - t) / 1000,
  p50Ms: percentile(latencies, 50),
  p90Ms: percentile(latencies, 90),
  p99Ms: percentile(latencies, 99),
  maxMs: latencies[latencies.length - 1] ?? 0,
  createP50Ms: percentile(created.latencies, 50),
  createP99Ms: percentile(created.latencies, 99),
  afterCreateP50Ms: percentile(afterCreate, 50),
  afterCreateP99Ms: percentile(afterCreate, 99),
  loadCpuSeconds: (cpu.user + cpu.system) / 1e6,
});
watch.close();
ac.abort();
await sim.stopped();
client.close();
process.exit(0);
