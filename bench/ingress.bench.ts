// Ingress benchmark (npm run bench -- ingress). In one run on 127.0.0.1:
//  1. baseline: GET straight to a node:http backend (what a client reaching the pod IP gets);
//  2. the same GETs through the ingress proxy (agent/ingress), routed by an Ingress rule to
//     that backend through a Service and its EndpointSlice.
// Both are driven by the same client: CONCURRENCY keep-alive connections, each sending its next
// request when the previous response ended, for PHASE_MS. Reported: requests/s, p50/p99 latency
// and the ratio (target: the ingress keeps at least half the direct throughput). The backend and
// the proxy each run in their own process (bench/ingress-server.ts), as they would on a node, so
// the client's own work is not charged to the proxy.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

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

/** Starts bench/ingress-server.ts in its own process; resolves its port and the process. */
async function server(
  args: string[],
  nodeFlags: string[] = [],
): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [...nodeFlags, '--import', 'tsx', join(import.meta.dirname, 'ingress-server.ts'), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`ingress-server ${args[0]} exited with ${code}`)));
  });
  return { port: Number(line), child };
}

export default async function ingressBench() {
  const backend = await server(['backend']);
  // BENCH_INGRESS_CPU_PROF=DIR writes a CPU profile of the proxy process there.
  const profileDir = process.env.BENCH_INGRESS_CPU_PROF;
  const proxyFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const proxy = await server(['proxy', String(backend.port)], proxyFlags).catch((err) => {
    backend.child.kill();
    throw err;
  });
  const backendPort = backend.port;
  const proxyPort = proxy.port;
  try {
    await drive(backendPort, '/app/x'); // warm-up
    await drive(proxyPort, '/app/x');
    const before = await drive(backendPort, '/app/x');
    const through = await drive(proxyPort, '/app/x');
    const after = await drive(backendPort, '/app/x');
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
      },
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
