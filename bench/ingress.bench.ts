// Ingress benchmark (npm run bench -- ingress). In one run on 127.0.0.1:
//  1. baseline: GET straight to a node:http backend (what a client reaching the pod IP gets);
//  2. the same GETs through the ingress proxy (agent/ingress), routed by an Ingress rule to
//     that backend through a Service and its EndpointSlice.
// Both are driven by the same client: CONCURRENCY keep-alive connections, each sending its next
// request when the previous response ended, for PHASE_MS. Reported: requests/s, p50/p99 latency
// and the ratio (target: the ingress keeps at least half the direct throughput). The backend and
// the proxy each run in their own process (bench/ingress-server.ts), as they would on a node, so
// the client's own work is not charged to the proxy, and from one esbuild bundle of
// bench/ingress-server.ts made like the agent's (what a node runs); the proxy runs with the
// agent's V8 flags (AGENT_NODE_FLAGS: small semi-spaces, no GC helper threads), as on a node.
import { build } from 'esbuild';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AGENT_NODE_FLAGS } from '../control-plane/provision/install/agent-service.ts';

const PHASE_MS = 3000;
const CONCURRENCY = 16;
const TARGET_RATIO = 0.5;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

interface Run {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** CPU time (user + system) each process spent per request: what the ratio is made of. */
  cpuMicrosPerRequest?: Record<string, number>;
}

/** CPU time of a process so far in ms, from /proc (Linux; 100 clock ticks a second). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Runs a phase and charges each process's CPU time to its requests. */
async function driveCounted(port: number, path: string, pids: Record<string, number>): Promise<Run> {
  const clientBefore = process.cpuUsage();
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  const run = await drive(port, path);
  const client = process.cpuUsage(clientBefore);
  const requests = (run.requestsPerSecond * PHASE_MS) / 1000;
  const perRequest = (ms: number) => round((ms * 1000) / requests, 1);
  run.cpuMicrosPerRequest = {
    client: perRequest((client.user + client.system) / 1000),
    ...Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => [name, perRequest(cpuMs(pid) - before[name]!)]),
    ),
  };
  return run;
}

async function drive(port: number, path: string): Promise<Run> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + PHASE_MS;
  const one = () =>
    new Promise<void>((resolve) => {
      const start = performance.now();
      const req = request(
        { host: '127.0.0.1', port, path, agent, headers: { host: 'bench.test' } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) latencies.push(performance.now() - start);
            else errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const loop = async () => {
    while (performance.now() < deadline) await one();
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: Math.round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 50), 3),
    p99Ms: round(percentile(latencies, 99), 3),
    errors,
  };
}

/**
 * bench/ingress-server.ts bundled the way scripts/build-agent.mjs bundles the agent, so the proxy
 * runs the code a node runs (tsx would add its own per-closure work to every request).
 */
async function bundleServers(dir: string): Promise<string> {
  const outfile = join(dir, 'ingress-server.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'ingress-server.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  return outfile;
}

/** Starts the bundled bench/ingress-server.ts in its own process; resolves its port and the process. */
async function server(
  bundle: string,
  args: string[],
  nodeFlags: string[] = [],
): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [...nodeFlags, bundle, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`ingress-server ${args[0]} exited with ${code}`)));
  });
  return { port: Number(line), child };
}

export default async function ingressBench() {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-ingress-bench-'));
  try {
    return await measure(await bundleServers(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(bundle: string) {
  const loadBefore = loadavg().map((l) => round(l, 2));
  const backend = await server(bundle, ['backend']);
  // BENCH_INGRESS_CPU_PROF=DIR writes a CPU profile of the proxy process there.
  const profileDir = process.env.BENCH_INGRESS_CPU_PROF;
  const proxyFlags = [
    ...AGENT_NODE_FLAGS,
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
  ];
  const proxy = await server(bundle, ['proxy', String(backend.port)], proxyFlags).catch((err) => {
    backend.child.kill();
    throw err;
  });
  const backendPort = backend.port;
  const proxyPort = proxy.port;
  try {
    await drive(backendPort, '/app/x'); // warm-up
    await drive(proxyPort, '/app/x');
    const backendPid = { backend: backend.child.pid! };
    const before = await driveCounted(backendPort, '/app/x', backendPid);
    const through = await driveCounted(proxyPort, '/app/x', { ...backendPid, proxy: proxy.child.pid! });
    const after = await driveCounted(backendPort, '/app/x', backendPid);
    const direct: Run = {
      requestsPerSecond: Math.round((before.requestsPerSecond + after.requestsPerSecond) / 2),
      p50Ms: round((before.p50Ms + after.p50Ms) / 2, 3),
      p99Ms: round((before.p99Ms + after.p99Ms) / 2, 3),
      errors: before.errors + after.errors,
    };
    const ratio = round(through.requestsPerSecond / direct.requestsPerSecond, 2);
    return {
      summary: `${through.requestsPerSecond} req/s (p99 ${through.p99Ms} ms) through the ingress vs ${direct.requestsPerSecond} req/s (p99 ${direct.p99Ms} ms) direct: ratio ${ratio} (target >= ${TARGET_RATIO})`,
      setup: {
        concurrency: CONCURRENCY,
        phaseMs: PHASE_MS,
        bodyBytes: 512,
        keepAlive: true,
        processes: 'client, proxy, backend',
        proxyCode: 'esbuild bundle, like the agent',
        proxyNodeFlags: AGENT_NODE_FLAGS,
      },
      // Other work on the machine takes CPU from the three processes: read the ratio with this.
      loadAverage: { before: loadBefore, after: loadavg().map((l) => round(l, 2)) },
      ingress: through,
      direct: { ...direct, before, after },
      ratio,
      target: { ratio: TARGET_RATIO, met: ratio >= TARGET_RATIO },
    };
  } finally {
    proxy.child.kill();
    backend.child.kill();
  }
}
