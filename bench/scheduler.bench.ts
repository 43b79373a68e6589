// Scheduler benchmark (npm run bench -- scheduler): 1,000 simulated nodes and 10,000 pods
// created through the API, end to end. The control plane runs in this process with the
// scheduler beside the API server, as `flotilla serve` runs them; the nodes and the clients
// creating pods run in a child process (scheduler-load.ts), as real clients would.
// Reported: pods scheduled per second (created -> bound, as a watcher sees it), p50/p99 of
// that latency, the scheduler's CPU per pod (its synchronous cycle, and this whole process),
// and the same run's raw pod create rate (pods nobody schedules) as the ceiling.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import type { Scheduler } from '../control-plane/scheduler/scheduler.ts';
import { startControlPlane } from '../control-plane/serve.ts';

const NODES = Number(process.env.BENCH_NODES ?? 1000);
const PODS = Number(process.env.BENCH_PODS ?? 10_000);
const RAW_PODS = Number(process.env.BENCH_RAW_PODS ?? 3000);
const CONCURRENCY = 64;
const TARGETS = { podsPerSecond: 500, p99Ms: 1000 };

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** CPU milliseconds spent by the whole machine (every process), busy and in total. */
function machineCpu() {
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

export default async function schedulerBench() {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-bench-sched-'));
  // The scheduler flotilla serve runs: behind its Lease, on the in-process transport.
  const plane = await startControlPlane({ dataDir: join(root, 'data'), port: 0, log: () => {} });
  let scheduler: Scheduler | undefined;
  while (!(scheduler = plane.scheduler?.current())) await new Promise((r) => setTimeout(r, 50));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      resolve(import.meta.dirname, 'scheduler-load.ts'),
      plane.kubeconfigPath,
      String(NODES),
      String(PODS),
      String(RAW_PODS),
      String(CONCURRENCY),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const pending = new Map<string, (v: any) => void>();
  const seen = new Map<string, any>();
  lines.on('line', (l) => {
    const e = JSON.parse(l);
    seen.set(e.event, e);
    pending.get(e.event)?.(e);
  });
  const next = (event: string) =>
    new Promise<any>((ok, fail) => {
      if (seen.has(event)) return ok(seen.get(event));
      pending.set(event, ok);
      child.once('exit', (code) => fail(new Error(`load generator exited (${code}) before "${event}"`)));
    });
  try {
    const nodes = await next('nodes-ready');
    while (scheduler.cache.nodeCount() < NODES) await new Promise((r) => setTimeout(r, 100));
    child.stdin!.write('raw\n');
    const raw = await next('raw');

    const loop = monitorEventLoopDelay({ resolution: 10 });
    child.stdin!.write('schedule\n');
    await next('schedule-start');
    loop.enable();
    // Where pods wait: the scheduler's queue, or bindings on their way through the API.
    const backlog = { maxActive: 0, maxBinding: 0, samples: 0, sumActive: 0, sumBinding: 0 };
    const sampler = setInterval(() => {
      const active = scheduler.queue.counts().active;
      const binding = scheduler.inFlightBindings;
      backlog.samples++;
      backlog.sumActive += active;
      backlog.sumBinding += binding;
      backlog.maxActive = Math.max(backlog.maxActive, active);
      backlog.maxBinding = Math.max(backlog.maxBinding, binding);
    }, 50);
    const cpu0 = process.cpuUsage();
    const machine0 = machineCpu();
    const m0 = { ...scheduler.metrics };
    const wall0 = performance.now();
    const sched = await next('scheduled');
    const wall = (performance.now() - wall0) / 1000;
    clearInterval(sampler);
    const cpu = process.cpuUsage(cpu0);
    const machine1 = machineCpu();
    const machineCores =
      ((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * cpus().length;
    loop.disable();
    const scheduled = scheduler.metrics.scheduled - m0.scheduled;
    const algorithmMs = scheduler.metrics.algorithmMs - m0.algorithmMs;
    const processCpuSeconds = (cpu.user + cpu.system) / 1e6;

    const podsPerSecond = sched.bound / sched.seconds;
    const met = { podsPerSecond: podsPerSecond >= TARGETS.podsPerSecond, p99Ms: sched.p99Ms < TARGETS.p99Ms };
    const cores = processCpuSeconds / wall;
    const loadCores = sched.loadCpuSeconds / wall;
    const ofCeiling = podsPerSecond / raw.createsPerSecond;
    // Each scheduled pod costs the API a create, a binding and a Scheduled event: three writes
    // where the ceiling measures one.
    // What held it back, from what was measured: CPU of this process or of the machine, the
    // scheduler's queue growing (it could not keep up), or pods waiting on the API (create
    // requests, bindings) while CPU was idle.
    const meanQueue = backlog.sumActive / Math.max(1, backlog.samples);
    const meanBinding = backlog.sumBinding / Math.max(1, backlog.samples);
    const schedulerShare = round((algorithmMs / 1000 / processCpuSeconds) * 100);
    const limitedBy =
      met.podsPerSecond && met.p99Ms
        ? undefined
        : cores > 0.85
          ? `the control-plane process is CPU-bound (${round(cores, 2)} cores; API server, store and scheduler share one event loop, the scheduler's cycle is ${schedulerShare}% of it; pods queued for the scheduler: ${round(meanQueue)} on average)`
          : machineCores > 1.6
            ? `the machine's ${cpus().length} cores, all busy (${round(machineCores, 2)} in use: control plane ${round(cores, 2)}, load generator ${round(loadCores, 2)}, other processes ${round(Math.max(0, machineCores - cores - loadCores), 2)})`
            : meanQueue > meanBinding
              ? `the scheduler's turn on the event loop (${round(meanQueue)} pods queued on average, event-loop p99 delay ${round(loop.percentile(99) / 1e6)} ms) while the machine was shared`
              : sched.createP99Ms > sched.afterCreateP99Ms
                ? `pod creation: create requests took up to ${round(sched.createP99Ms)} ms (p99) on a create ceiling of ${Math.round(raw.createsPerSecond)}/s`
                : `bindings waiting on the store (${round(meanBinding)} in flight on average): fsync, not CPU`;
    const results = {
      nodes: NODES,
      pods: PODS,
      podLifecycle: false,
      targets: { ...TARGETS, met, limitedBy },
      nodeRegistrationSeconds: round(nodes.seconds, 2),
      endToEnd: {
        podsPerSecond: Math.round(podsPerSecond),
        seconds: round(sched.seconds, 2),
        bound: sched.bound,
        p50Ms: round(sched.p50Ms),
        p90Ms: round(sched.p90Ms),
        p99Ms: round(sched.p99Ms),
        maxMs: round(sched.maxMs),
        /** Of that: the create request itself, and from its answer until the pod was bound. */
        createP50Ms: round(sched.createP50Ms),
        createP99Ms: round(sched.createP99Ms),
        afterCreateP50Ms: round(sched.afterCreateP50Ms),
        afterCreateP99Ms: round(sched.afterCreateP99Ms),
        ratioToCreateCeiling: round(ofCeiling, 2),
      },
      creates: { duringScheduling: Math.round(sched.createsPerSecond), errors: sched.createErrors },
      ceiling: {
        rawCreatesPerSecond: Math.round(raw.createsPerSecond),
        p50Ms: round(raw.p50Ms),
        p99Ms: round(raw.p99Ms),
      },
      scheduler: {
        scheduled,
        attempts: scheduler.metrics.attempts - m0.attempts,
        algorithmMsPerPod: round(algorithmMs / Math.max(1, scheduled), 3),
        controlPlaneCpuMsPerPod: round((processCpuSeconds * 1000) / Math.max(1, scheduled), 2),
        controlPlaneCores: round(cores, 2),
        loadGeneratorCores: round(loadCores, 2),
        machineCoresInUse: round(machineCores, 2),
        eventLoopP99Ms: round(loop.percentile(99) / 1e6),
        eventLoopMaxMs: round(loop.max / 1e6),
        queueMeanActive: round(backlog.sumActive / Math.max(1, backlog.samples)),
        queueMaxActive: backlog.maxActive,
        bindingsMeanInFlight: round(backlog.sumBinding / Math.max(1, backlog.samples)),
        bindingsMaxInFlight: backlog.maxBinding,
      },
    };
    const summary =
      `${NODES} nodes, ${PODS} pods: ${results.endToEnd.podsPerSecond} pods/s end to end (created -> bound), ` +
      `p50 ${results.endToEnd.p50Ms} ms, p99 ${results.endToEnd.p99Ms} ms; scheduler cycle ${results.scheduler.algorithmMsPerPod} ms CPU/pod ` +
      `(control plane ${results.scheduler.controlPlaneCpuMsPerPod} ms/pod incl. API and store); raw API creates ${results.ceiling.rawCreatesPerSecond}/s ` +
      `(ceiling; end to end = ${results.endToEnd.ratioToCreateCeiling}x); targets ${met.podsPerSecond && met.p99Ms ? 'met' : `MISSED, limited by ${limitedBy}`}`;
    return { summary, ...results };
  } finally {
    child.kill('SIGTERM');
    await plane.close();
    rmSync(root, { recursive: true, force: true });
  }
}
