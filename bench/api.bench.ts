// API benchmark (npm run bench -- api): the whole API server over HTTPS, as clients see it.
// `flotilla serve` runs as a child process (so its RSS and CPU are its own), and this process
// plays 1, 16 and 64 concurrent clients on keep-alive connections with the admin client
// certificate, one verb at a time: create, get, update (PUT with resourceVersion), list (100
// ConfigMaps) and watch (open, receive the initial event, close). Also: how long a watch event
// takes from the write being acknowledged to the event reaching watchers, and the server's RSS
// idle and under load. The baseline is measured in the same run: the same ConfigMap writes
// straight into the SQLite Backend (group commit, 64 writers) and plain single-row SQLite
// commits with the same durability settings, before and after the API runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { openSqliteBackend } from '../control-plane/storage/index.ts';
import { openDatabase } from '../control-plane/storage/sqlite/schema.ts';

const LEVELS = [1, 16, 64];
const VERBS = ['create', 'get', 'update', 'list', 'watch'] as const;
type Verb = (typeof VERBS)[number];
const PHASE_MS = 2000;
const DELIVERY_MS = 3000;
const DELIVERY_WATCHERS = 8;
const DELIVERY_WRITERS = 16;
const LIST_SIZE = 100;
const BASELINE_WRITERS = 64;
const BASELINE_MS = 1500;
const TARGETS = {
  storeDurableWritesPerSecond: 10_000,
  apiCreatesPerSecondAt64: 2_000,
  apiCreateP99MsAt64: 50,
  watchDeliveryP99Ms: 10,
  idleRssMiB: 120,
};

const repo = resolve(import.meta.dirname, '..');
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A typical small ConfigMap (about 600 bytes of JSON). */
const configData = {
  'app.properties': 'mode=production\nlog.level=info\ncache.size=512\n'.repeat(6),
  'feature-flags': 'alpha=false,beta=true,gamma=false',
};
const configMap = (name: string, resourceVersion?: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { app: 'bench' }, ...(resourceVersion ? { resourceVersion } : {}) },
    data: configData,
  });

// ---------------------------------------------------------------------------------------------
// The server, as a child process

export interface Server {
  pid: number;
  port: number;
  pki: { ca: Buffer; cert: Buffer; key: Buffer };
  stderr(): string;
  stop(): Promise<void>;
}

export async function startServe(dataDir: string): Promise<Server> {
  // FLOTILLA_BENCH_CPU_PROF=DIR writes a V8 CPU profile of the server there (node --cpu-prof).
  const profDir = process.env.FLOTILLA_BENCH_CPU_PROF;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []),
      join(repo, 'cli', 'bin.mjs'),
      'serve',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--output',
      'json',
    ],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-8000)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const ready = await new Promise<{ api: string; pid: number }>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`flotilla serve not ready in 60 s:\n${stderr}`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const ev = JSON.parse(line);
        if (ev.event === 'ready') {
          clearTimeout(timer);
          ok(ev);
        }
      } catch {
        // not an event line
      }
    });
    child.once('exit', (code) => fail(new Error(`flotilla serve exited (${code}):\n${stderr}`)));
  });
  const pkiDir = join(dataDir, 'pki');
  return {
    pid: ready.pid,
    port: Number(new URL(ready.api).port),
    pki: {
      ca: readFileSync(join(pkiDir, 'ca.crt')),
      cert: readFileSync(join(pkiDir, 'admin.crt')),
      key: readFileSync(join(pkiDir, 'admin.key')),
    },
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Busy CPU seconds of the whole machine (all processes), from /proc/stat (Linux). */
function machineBusySeconds(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait is busy.
  const busy = cpu.reduce((a, b) => a + b, 0) - cpu[3]! - cpu[4]!;
  return busy / 100;
}

/**
 * The RSS floor: a Node process that only registered tsx (as cli/bin.mjs does: its loader hooks
 * run in their own thread) and idles. The server's idle RSS minus this is what the control
 * plane itself holds.
 */
async function runtimeFloorRss(): Promise<number> {
  const child = spawn(
    process.execPath,
    ['-e', "import('tsx/esm/api').then((m) => { m.register(); setInterval(() => {}, 1000); })"],
    { cwd: repo, stdio: 'ignore' },
  );
  try {
    await sleep(1500);
    return rssMiB(child.pid!);
  } finally {
    child.kill('SIGKILL');
  }
}

/** Resident set size of a process, from /proc (Linux). */
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? round(Number(m[1]) / 1024) : NaN;
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

// ---------------------------------------------------------------------------------------------
// HTTPS clients

interface Response {
  status: number;
  body: string;
}

export class Client {
  private readonly agent: Agent;
  constructor(
    private readonly server: Server,
    sockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  private options(method: string, path: string, contentType = 'application/json'): RequestOptions {
    return {
      host: '127.0.0.1',
      port: this.server.port,
      method,
      path,
      agent: this.agent,
      ...this.server.pki,
      headers: { Accept: 'application/json', 'Content-Type': contentType },
    };
  }

  send(method: string, path: string, body?: string, contentType?: string): Promise<Response> {
    return new Promise((ok, fail) => {
      const req = request(this.options(method, path, contentType), (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', fail);
      });
      req.on('error', fail);
      // A stuck request fails the phase instead of hanging the benchmark.
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.end(body);
    });
  }

  /** Opens a watch; `onLine` gets each event line; resolves the request so callers can destroy it. */
  watch(path: string, onLine: (line: string, at: number) => void): Promise<{ close(): void }> {
    return new Promise((ok, fail) => {
      const req = request({ ...this.options('GET', path), agent: false }, (res) => {
        if (res.statusCode !== 200) {
          req.destroy();
          return fail(new Error(`watch ${path}: HTTP ${res.statusCode}`));
        }
        let partial = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const at = performance.now();
          partial += chunk;
          for (let nl = partial.indexOf('\n'); nl !== -1; nl = partial.indexOf('\n')) {
            onLine(partial.slice(0, nl), at);
            partial = partial.slice(nl + 1);
          }
        });
        res.on('error', () => {});
        ok({ close: () => req.destroy() });
      });
      req.on('error', (err) => fail(err));
      req.end();
    });
  }

  /** Opens `sockets` connections (TLS handshakes included) so no phase pays for them. */
  async warm(sockets: number): Promise<void> {
    await Promise.all(
      Array.from({ length: sockets }, () => expectOk(this.send('GET', '/version'), 'warm-up')),
    );
  }

  close(): void {
    this.agent.destroy();
  }
}

export async function expectOk(p: Promise<Response>, what: string): Promise<Response> {
  const r = await p;
  if (r.status < 200 || r.status > 299) throw new Error(`${what}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
  return r;
}

const resourceVersionOf = (body: string) => /"resourceVersion":"(\d+)"/.exec(body)?.[1] ?? '';

// ---------------------------------------------------------------------------------------------
// The verbs

interface PhaseResult {
  verb: Verb;
  clients: number;
  ops: number;
  errors: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Cores the server and this process (the clients) used during the phase. */
  serverCores: number;
  clientCores: number;
  /** Cores other processes on the machine used meanwhile (a shared machine). */
  otherCores: number;
}

interface Fixture {
  created: string[];
  /** Per client slot: the object it updates and its latest resourceVersion. */
  updatable: { name: string; rv: string }[];
}

let createSeq = 0;

function verbOp(verb: Verb, client: Client, fx: Fixture): (slot: number) => Promise<void> {
  switch (verb) {
    case 'create':
      return async () => {
        const name = `cm-${createSeq++}`;
        await expectOk(client.send('POST', '/api/v1/namespaces/bench/configmaps', configMap(name)), 'create');
        fx.created.push(name);
      };
    case 'get':
      return async () => {
        const name = fx.created[Math.floor(Math.random() * fx.created.length)];
        await expectOk(client.send('GET', `/api/v1/namespaces/bench/configmaps/${name}`), 'get');
      };
    case 'update':
      return async (slot) => {
        const u = fx.updatable[slot]!;
        const r = await expectOk(
          client.send('PUT', `/api/v1/namespaces/bench/configmaps/${u.name}`, configMap(u.name, u.rv)),
          'update',
        );
        u.rv = resourceVersionOf(r.body);
      };
    case 'list':
      return async () => {
        await expectOk(client.send('GET', '/api/v1/namespaces/bench-list/configmaps'), 'list');
      };
    case 'watch':
      return async () => {
        // Watch from "now" with the initial state (one object): established when its ADDED arrives.
        let gotFirst!: () => void;
        const first = new Promise<void>((r) => (gotFirst = r));
        const w = await client.watch('/api/v1/namespaces/bench-watch/configmaps?watch=1', () => gotFirst());
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            first,
            new Promise((_, fail) => {
              timer = setTimeout(() => fail(new Error('no initial watch event in 30 s')), 30_000);
            }),
          ]);
        } finally {
          clearTimeout(timer);
          w.close();
        }
      };
  }
}

async function phase(
  verb: Verb,
  clients: number,
  server: Server,
  client: Client,
  fx: Fixture,
): Promise<PhaseResult> {
  const op = verbOp(verb, client, fx);
  const latencies: number[] = [];
  let errors = 0;
  let lastError = '';
  const serverCpu = cpuSeconds(server.pid);
  const clientCpu = process.cpuUsage();
  const machineCpu = machineBusySeconds();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, slot) => {
      while (performance.now() - started < PHASE_MS) {
        const t = performance.now();
        try {
          await op(slot);
          latencies.push(performance.now() - t);
        } catch (err) {
          errors++;
          lastError = String(err);
          if (errors > 100) throw new Error(`${verb} at ${clients} clients keeps failing: ${lastError}`);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const clientUsage = process.cpuUsage(clientCpu);
  const serverCores = (cpuSeconds(server.pid) - serverCpu) / seconds;
  const clientCores = (clientUsage.user + clientUsage.system) / 1e6 / seconds;
  const machineCores = (machineBusySeconds() - machineCpu) / seconds;
  latencies.sort((a, b) => a - b);
  return {
    verb,
    clients,
    ops: latencies.length,
    errors,
    opsPerSecond: Math.round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    serverCores: round(serverCores, 2),
    clientCores: round(clientCores, 2),
    otherCores: round(Math.max(0, machineCores - serverCores - clientCores), 2),
  };
}

/**
 * Watch delivery: watchers on a namespace, writers creating objects in it. For each event, the
 * time from the writer getting its response (the write acknowledged) to a watcher receiving
 * it; 0 when the event arrived first (the server tells watchers before it answers the write).
 */
async function watchDelivery(server: Server, writers: number) {
  const writeClient = new Client(server, writers);
  const watchClient = new Client(server, DELIVERY_WATCHERS);
  const ns = `bench-delivery-${writers}`;
  await expectOk(
    writeClient.send('POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: ns } })),
    'namespace',
  );
  const acked = new Map<string, number>();
  const sent = new Map<string, number>();
  const received: { name: string; at: number }[] = [];
  const watches = await Promise.all(
    Array.from({ length: DELIVERY_WATCHERS }, () =>
      watchClient.watch(`/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=1`, (line, at) => {
        const name = /"name":"([^"]+)"/.exec(line)?.[1];
        if (name) received.push({ name, at });
      }),
    ),
  );
  let seq = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() - started < DELIVERY_MS) {
        const name = `d-${seq++}`;
        sent.set(name, performance.now());
        await expectOk(
          writeClient.send('POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(name)),
          'create',
        );
        acked.set(name, performance.now());
      }
    }),
  );
  // Let the last events arrive.
  const expected = acked.size * DELIVERY_WATCHERS;
  for (let i = 0; i < 100 && received.length < expected; i++) await sleep(20);
  for (const w of watches) w.close();
  writeClient.close();
  watchClient.close();
  const fromAck: number[] = [];
  const fromSend: number[] = [];
  let eventBeforeAck = 0;
  for (const r of received) {
    const a = acked.get(r.name);
    const s = sent.get(r.name);
    if (a === undefined || s === undefined) continue;
    if (r.at < a) eventBeforeAck++;
    fromAck.push(Math.max(0, r.at - a));
    fromSend.push(r.at - s);
  }
  fromAck.sort((a, b) => a - b);
  fromSend.sort((a, b) => a - b);
  return {
    writers,
    watchers: DELIVERY_WATCHERS,
    writes: acked.size,
    eventsReceived: received.length,
    eventsExpected: expected,
    ackToEventP50Ms: round(percentile(fromAck, 50), 2),
    ackToEventP99Ms: round(percentile(fromAck, 99), 2),
    /** Share of events that reached the watcher before the writer had its answer. */
    eventBeforeAckShare: round(eventBeforeAck / Math.max(1, fromAck.length), 2),
    requestToEventP50Ms: round(percentile(fromSend, 50), 2),
    requestToEventP99Ms: round(percentile(fromSend, 99), 2),
  };
}

async function prepare(client: Client): Promise<Fixture> {
  for (const ns of ['bench', 'bench-list', 'bench-watch'])
    await expectOk(client.send('POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: ns } })), ns);
  await Promise.all(
    Array.from({ length: LIST_SIZE }, (_, i) =>
      expectOk(
        client.send('POST', '/api/v1/namespaces/bench-list/configmaps', configMap(`l-${i}`)),
        'list item',
      ),
    ),
  );
  await expectOk(
    client.send('POST', '/api/v1/namespaces/bench-watch/configmaps', configMap('w')),
    'watch item',
  );
  const updatable = await Promise.all(
    Array.from({ length: Math.max(...LEVELS) }, async (_, i) => {
      const name = `u-${i}`;
      const r = await expectOk(
        client.send('POST', '/api/v1/namespaces/bench/configmaps', configMap(name)),
        name,
      );
      return { name, rv: resourceVersionOf(r.body) };
    }),
  );
  return { created: updatable.map((u) => u.name), updatable };
}

// ---------------------------------------------------------------------------------------------
// The baseline: the same writes without the API server

/** Bytes the registry stores for one of our ConfigMaps (the object with its server-set metadata). */
function storedConfigMap(name: string): Uint8Array {
  const obj = JSON.parse(configMap(name));
  Object.assign(obj.metadata, {
    namespace: 'bench',
    uid: '6f1c2a52-0a2b-4a8e-9d0c-3c2f1a0b9e11',
    creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  });
  return Buffer.from(JSON.stringify(obj));
}

async function backendCreates(path: string) {
  const backend = await openSqliteBackend({ path, compactIntervalMs: 0 });
  const value = storedConfigMap('cm');
  let next = 0;
  let done = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: BASELINE_WRITERS }, async () => {
        while (performance.now() - started < BASELINE_MS) {
          await backend.create(`/registry/configmaps/bench/cm-${next++}`, value);
          done++;
        }
      }),
    );
  } finally {
    await backend.close();
  }
  return Math.round(done / ((performance.now() - started) / 1000));
}

function singleRowCommits(path: string) {
  const db = openDatabase(path);
  const value = storedConfigMap('cm');
  const insert = db.prepare(
    `INSERT INTO log (name, created, deleted, create_revision, prev_revision, value) VALUES (?, 1, 0, 0, 0, ?)`,
  );
  let writes = 0;
  const started = performance.now();
  while (performance.now() - started < BASELINE_MS / 2) insert.run(`/bench/baseline/${writes++}`, value);
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return Math.round(writes / seconds);
}

async function baseline(dir: string, tag: string) {
  return {
    backendCreatesPerSecond: await backendCreates(join(dir, `backend-${tag}.db`)),
    singleRowCommitsPerSecond: singleRowCommits(join(dir, `plain-${tag}.db`)),
  };
}

// ---------------------------------------------------------------------------------------------

export default async function apiBench() {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-api-'));
  try {
    const before = await baseline(dir, 'before');
    const server = await startServe(join(dir, 'data'));
    const phases: PhaseResult[] = [];
    let delivery: Awaited<ReturnType<typeof watchDelivery>>[] = [];
    let idleRss: number;
    let loadRss = 0;
    let rssAfter: number;
    try {
      await sleep(1500);
      idleRss = rssMiB(server.pid);
      const sampler = setInterval(() => (loadRss = Math.max(loadRss, rssMiB(server.pid))), 100);
      try {
        const setup = new Client(server, 16);
        const fx = await prepare(setup);
        setup.close();
        for (const clients of LEVELS) {
          const client = new Client(server, clients);
          await client.warm(clients);
          for (const verb of VERBS) phases.push(await phase(verb, clients, server, client, fx));
          client.close();
        }
        delivery = [await watchDelivery(server, 1), await watchDelivery(server, DELIVERY_WRITERS)];
      } finally {
        clearInterval(sampler);
      }
      await sleep(1000);
      rssAfter = rssMiB(server.pid);
    } catch (err) {
      throw new Error(`${String(err)}\nserver stderr:\n${server.stderr()}`, { cause: err });
    } finally {
      await server.stop();
    }
    const after = await baseline(dir, 'after');
    const floorRss = await runtimeFloorRss();
    const base = {
      backendCreatesPerSecond: Math.round(
        (before.backendCreatesPerSecond + after.backendCreatesPerSecond) / 2,
      ),
      singleRowCommitsPerSecond: Math.round(
        (before.singleRowCommitsPerSecond + after.singleRowCommitsPerSecond) / 2,
      ),
      writers: BASELINE_WRITERS,
      before,
      after,
    };

    const at = (verb: Verb, clients: number) => phases.find((p) => p.verb === verb && p.clients === clients)!;
    const create64 = at('create', 64);
    const loaded = delivery[delivery.length - 1]!;
    const met = {
      storeDurableWritesPerSecond: base.backendCreatesPerSecond >= TARGETS.storeDurableWritesPerSecond,
      apiCreatesPerSecondAt64: create64.opsPerSecond >= TARGETS.apiCreatesPerSecondAt64,
      apiCreateP99MsAt64: create64.p99Ms < TARGETS.apiCreateP99MsAt64,
      watchDeliveryP99Ms: loaded.ackToEventP99Ms < TARGETS.watchDeliveryP99Ms,
      idleRssMiB: idleRss < TARGETS.idleRssMiB,
    };
    const rssLimitedBy = met.idleRssMiB
      ? undefined
      : `Node with the tsx loader alone (its hooks thread included) holds ${floorRss} MiB; the control plane's code and heap add ${round(idleRss - floorRss)} MiB`;
    const limitedBy = met.apiCreatesPerSecondAt64 && met.apiCreateP99MsAt64 ? undefined : limits(create64);
    const ratios = {
      createsAt64ToBackendCreates: round(create64.opsPerSecond / base.backendCreatesPerSecond, 2),
      createsAt64ToSingleRowCommits: round(create64.opsPerSecond / base.singleRowCommitsPerSecond, 2),
    };
    const perVerb = (clients: number) =>
      VERBS.map((v) => `${v} ${at(v, clients).opsPerSecond}/s p99 ${at(v, clients).p99Ms}ms`).join(', ');
    const missed = Object.entries(met)
      .filter(([, ok]) => !ok)
      .map(([k]) => k);
    const summary =
      `64 clients: ${perVerb(64)}; 1 client: ${perVerb(1)}` +
      `; creates@64 = ${ratios.createsAt64ToBackendCreates}x backend (${base.backendCreatesPerSecond}/s), ` +
      `${ratios.createsAt64ToSingleRowCommits}x single-row commits (${base.singleRowCommitsPerSecond}/s)` +
      `; watch delivery p99 ${loaded.ackToEventP99Ms} ms after the ack (${Math.round(loaded.eventBeforeAckShare * 100)}% before it), ` +
      `${loaded.requestToEventP99Ms} ms after the write was sent (${loaded.writers} writers, ${loaded.watchers} watchers)` +
      `; server RSS idle ${idleRss} MiB (node+tsx alone ${floorRss}), under load ${loadRss} MiB` +
      `; targets ${missed.length ? `MISSED: ${missed.join(', ')} (${[limitedBy && `creates limited by ${limitedBy}`, rssLimitedBy].filter(Boolean).join('; ')})` : 'met'}`;
    return {
      summary,
      targets: { ...TARGETS, met, limitedBy, rssLimitedBy },
      phases,
      watchDelivery: delivery,
      serverRssMiB: {
        idle: idleRss,
        peakUnderLoad: loadRss,
        afterLoad: rssAfter,
        runtimeFloor: floorRss,
        controlPlaneShare: round(idleRss - floorRss),
      },
      baseline: base,
      ratios,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What held creates at 64 clients back, from where the CPU went. */
function limits(p: PhaseResult): string {
  const total = p.serverCores + p.clientCores + p.otherCores;
  if (p.serverCores >= 0.85)
    return `the server's one JavaScript thread (${p.serverCores} cores busy; clients used ${p.clientCores})`;
  if (total >= 1.7 && p.otherCores >= 0.5)
    return `a shared machine: other processes took ${p.otherCores} of 2 cores (server ${p.serverCores}, clients ${p.clientCores})`;
  if (total >= 1.7) return `the machine's 2 cores (server ${p.serverCores} + clients ${p.clientCores})`;
  if (p.clientCores >= 0.85) return `the benchmark's own client process (${p.clientCores} cores)`;
  return `waiting, not CPU (server ${p.serverCores}, clients ${p.clientCores} cores): fsync or scheduling`;
}
