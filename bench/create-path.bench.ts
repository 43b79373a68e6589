// Create-path benchmark (npm run bench -- create-path): the API server's CPU per small create,
// the kubelet's way. `flotilla serve` runs as a child; this process signs a node client
// certificate (CN=system:node:bench-node, O=system:nodes) with the cluster CA and POSTs Events
// like the kubelet's (involvedObject a pod, reason Started, source kubelet/host) over 4
// keep-alive HTTPS connections. The server's CPU (from /proc) divided by the creates is the
// number; the baseline, in the same run, is this process's CPU per create of the same bytes
// straight into the SQLite Backend. FLOTILLA_BENCH_CPU_PROF=DIR profiles the server (see api).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClientCertificate } from '../control-plane/pki/cluster-pki.ts';
import { loadCertificateAuthority } from '../control-plane/pki/authority.ts';
import { openSqliteBackend } from '../control-plane/storage/index.ts';
import { Client, expectOk, startServe, type Server } from './api.bench.ts';

const CONNECTIONS = Number(process.env.FLOTILLA_BENCH_CONNECTIONS ?? 4);
const WARM_UP = Number(process.env.FLOTILLA_BENCH_WARM_UP ?? 300);
const CREATES = Number(process.env.FLOTILLA_BENCH_CREATES ?? 3000);
const NODE = 'bench-node';
const NAMESPACE = 'bench';
/** Pods whose status the node patches in turn. */
const PODS = 50;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** User and system CPU seconds a process has used, from /proc/PID/stat (Linux, 100 ticks a second). */
function cpuTimes(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

/** CPU seconds per thread name of a process (main thread = its pid; V8 and libuv helpers by name). */
function threadCpu(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // the thread ended meanwhile
    }
  }
  return byName;
}

let seq = 0;
/** An Event as the kubelet posts it for a container start (about 900 bytes of JSON). */
function kubeletEvent(): string {
  const pod = `web-${seq % 50}`;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${pod}.187a2b3c${(seq++).toString(16).padStart(8, '0')}`, namespace: NAMESPACE },
    involvedObject: {
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: NAMESPACE,
      name: pod,
      uid: '0b6f3c8e-5a1d-4e2f-9c7b-3d2a1f0e9b8c',
      resourceVersion: '1234',
      fieldPath: 'spec.containers{app}',
    },
    reason: 'Started',
    message: 'Started container app',
    source: { component: 'kubelet', host: NODE },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type: 'Normal',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: NODE,
  });
}

/** `n` requests made by `request(i)`, over CONNECTIONS connections, one at a time on each. */
async function requests(n: number, request: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < n) await request(next++);
    }),
  );
}

const createEvent = (client: Client) => () =>
  expectOk(client.send('POST', `/api/v1/namespaces/${NAMESPACE}/events`, kubeletEvent()), 'event');

const podName = (i: number) => `web-${i % PODS}`;

/** A pod bound to the bench node, as the scheduler leaves it. */
const boundPod = (name: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NAMESPACE, labels: { app: 'web' } },
    spec: {
      nodeName: NODE,
      containers: [
        { name: 'app', image: 'busybox', command: ['sleep', '3600'], ports: [{ containerPort: 80 }] },
      ],
    },
  });

/**
 * The kubelet's status PATCH (strategic merge): conditions, IPs and the container's state, one
 * round Running and ready, the next not, so every patch changes the pod.
 */
function statusPatch(round: number): string {
  const ready = round % 2 === 0;
  const at = `2026-01-01T00:${String(round % 60).padStart(2, '0')}:00Z`;
  const status = ready ? 'True' : 'False';
  return JSON.stringify({
    status: {
      phase: 'Running',
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'].map((type) => ({
        type,
        status,
        lastProbeTime: null,
        lastTransitionTime: at,
      })),
      hostIP: '10.0.0.1',
      hostIPs: [{ ip: '10.0.0.1' }],
      podIP: '10.1.0.5',
      podIPs: [{ ip: '10.1.0.5' }],
      startTime: '2026-01-01T00:00:00Z',
      containerStatuses: [
        {
          name: 'app',
          image: 'busybox',
          imageID: 'sha256:0123',
          containerID: 'containerd://0123',
          ready,
          started: true,
          restartCount: round,
          state: ready ? { running: { startedAt: at } } : { waiting: { reason: 'CrashLoopBackOff' } },
        },
      ],
    },
  });
}

const patchStatus = (client: Client) => (i: number) =>
  expectOk(
    client.send(
      'PATCH',
      `/api/v1/namespaces/${NAMESPACE}/pods/${podName(i)}/status`,
      statusPatch(Math.floor(i / PODS)),
      'application/strategic-merge-patch+json',
    ),
    'status patch',
  );

interface Measured {
  requests: number;
  perSecond: number;
  /** Server CPU ms per request: all, user, system, and by thread. */
  cpuMs: number;
  userMs: number;
  systemMs: number;
  threadMs: Record<string, number>;
}

async function measure(pid: number, n: number, request: (i: number) => Promise<unknown>): Promise<Measured> {
  await requests(WARM_UP, request);
  const cpuBefore = cpuTimes(pid);
  const threadsBefore = threadCpu(pid);
  const started = performance.now();
  await requests(n, (i) => request(WARM_UP + i));
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuTimes(pid);
  const threadMs: Record<string, number> = {};
  for (const [name, cpu] of threadCpu(pid)) {
    const ms = (cpu - (threadsBefore.get(name) ?? 0)) * 1000;
    if (ms > 0) threadMs[name] = round(ms / n, 3);
  }
  const userMs = ((cpuAfter.user - cpuBefore.user) * 1000) / n;
  const systemMs = ((cpuAfter.system - cpuBefore.system) * 1000) / n;
  return {
    requests: n,
    perSecond: Math.round(n / seconds),
    cpuMs: round(userMs + systemMs, 3),
    userMs: round(userMs, 3),
    systemMs: round(systemMs, 3),
    threadMs,
  };
}

/** This process's CPU ms per Backend create of a stored Event's bytes, 4 writers like the API run. */
async function backendCpuMsPerCreate(path: string, n: number): Promise<number> {
  const backend = await openSqliteBackend({ path, compactIntervalMs: 0 });
  const stored = JSON.parse(kubeletEvent());
  stored.metadata.uid = '6f1c2a52-0a2b-4a8e-9d0c-3c2f1a0b9e11';
  stored.metadata.creationTimestamp = stored.firstTimestamp;
  const value = Buffer.from(JSON.stringify(stored));
  let next = 0;
  let left = n;
  const write = () =>
    Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (left-- > 0) await backend.create(`/registry/events/${NAMESPACE}/e-${next++}`, value);
      }),
    );
  try {
    left = WARM_UP;
    await write();
    left = n;
    const before = process.cpuUsage();
    await write();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / n;
  } finally {
    await backend.close();
  }
}

export default async function createPathBench() {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-create-path-'));
  try {
    const backendBefore = await backendCpuMsPerCreate(join(dir, 'backend-before.db'), CREATES);
    const server = await startServe(join(dir, 'data'));
    let events: Measured;
    let statuses: Measured;
    try {
      const pkiDir = join(dir, 'data', 'pki');
      const ca = await loadCertificateAuthority(
        readFileSync(join(pkiDir, 'ca.crt'), 'utf8'),
        readFileSync(join(pkiDir, 'ca.key'), 'utf8'),
      );
      const node = await ensureClientCertificate(dir, 'node', ca, {
        commonName: `system:node:${NODE}`,
        organizations: ['system:nodes'],
      });
      const admin = new Client(server, 1);
      await expectOk(
        admin.send('POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: NAMESPACE } })),
        'namespace',
      );
      await expectOk(
        admin.send('POST', '/api/v1/nodes', JSON.stringify({ metadata: { name: NODE } })),
        'node',
      );
      for (let i = 0; i < PODS; i++)
        await expectOk(
          admin.send('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, boundPod(podName(i))),
          'pod',
        );
      admin.close();
      const asNode: Server = {
        ...server,
        pki: { ca: server.pki.ca, cert: Buffer.from(node.certPem), key: Buffer.from(node.keyPem) },
      };
      const client = new Client(asNode, CONNECTIONS);
      await client.warm(CONNECTIONS);
      events = await measure(server.pid, CREATES, createEvent(client));
      statuses = await measure(server.pid, Math.round(CREATES / 2), patchStatus(client));
      client.close();
    } catch (err) {
      throw new Error(`${String(err)}\nserver stderr:\n${server.stderr()}`, { cause: err });
    } finally {
      await server.stop();
    }
    const backendAfter = await backendCpuMsPerCreate(join(dir, 'backend-after.db'), CREATES);
    const backendMs = (backendBefore + backendAfter) / 2;
    const summary =
      `server CPU ${events.cpuMs} ms per Event create (user ${events.userMs}, system ${events.systemMs}; ` +
      `${events.requests} as a node over ${CONNECTIONS} connections, ${events.perSecond}/s), ` +
      `${statuses.cpuMs} ms per pod status PATCH (${statuses.perSecond}/s); ` +
      `raw Backend create of the same Event bytes ${round(backendMs, 3)} ms (Event create x${round(events.cpuMs / backendMs, 1)})`;
    return {
      summary,
      connections: CONNECTIONS,
      /** Server CPU ms per request by thread: main, and V8's and libuv's helpers (named node). */
      eventCreates: events,
      podStatusPatches: statuses,
      backendCpuMsPerCreate: { before: round(backendBefore, 3), after: round(backendAfter, 3) },
      ratioToBackend: round(events.cpuMs / backendMs, 1),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
