// List benchmark (npm run bench -- list): LIST of 5,000 pods from the API server over HTTPS,
// whole and paged (limit 500, as the UI pages), as JSON and as kubectl's Table, against the
// same run's store read of the same rows (the SQLite backend's range read) and that read plus a
// JSON.parse of every value: the ratios are what the API server costs on top of the store.
// The control plane runs in this process (no scheduler, no controllers) so `node --cpu-prof`
// on the runner profiles the server; `BENCH_LIST_PODS` changes the size.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Session } from 'node:inspector/promises';
import { startControlPlane } from '../control-plane/serve.ts';
import { benchPod } from './bench-pod.ts';

const PODS = Number(process.env.BENCH_LIST_PODS ?? 5000);
const PAGE = 500;
const RUNS = 5;
const CREATORS = 32;
const TABLE = 'application/json;as=Table;g=meta.k8s.io;v=v1';

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const podBody = (i: number) => benchPod(`pod-${String(i).padStart(5, '0')}`, i);

interface Client {
  call(
    method: string,
    path: string,
    body?: unknown,
    accept?: string,
  ): Promise<{ status: number; text: string; firstByteMs: number }>;
}

function adminClient(url: string, kubeconfigPath: string): Client {
  const config = parseYaml(readFileSync(kubeconfigPath, 'utf8'));
  const user = config.users[0].user;
  const cluster = config.clusters[0].cluster;
  const b64 = (s: string) => Buffer.from(s, 'base64');
  const agent = new Agent({
    keepAlive: true,
    maxSockets: CREATORS,
    ca: b64(cluster['certificate-authority-data']),
    cert: b64(user['client-certificate-data']),
    key: b64(user['client-key-data']),
  });
  return {
    call: (method, path, body, accept = 'application/json') =>
      new Promise((done, fail) => {
        const sent = performance.now();
        const req = request(
          new URL(path, url),
          { method, agent, headers: { accept, 'content-type': 'application/json' } },
          (res) => {
            const firstByteMs = performance.now() - sent;
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              done({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8'), firstByteMs }),
            );
            res.on('error', fail);
          },
        );
        req.on('error', fail);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      }),
  };
}

/**
 * Milliseconds to fetch and parse every pod, following continue tokens when `limit` is set, and
 * of those the time spent waiting for the answers' first bytes (the server's read and encode).
 */
async function timedList(
  client: Client,
  accept: string,
  limit: number,
): Promise<{ ms: number; firstByteMs: number }> {
  const started = performance.now();
  let firstByteMs = 0;
  let count = 0;
  let token: string | undefined;
  do {
    const query = new URLSearchParams();
    if (limit) query.set('limit', String(limit));
    if (token) query.set('continue', token);
    const answer = await client.call('GET', `/api/v1/namespaces/default/pods?${query}`, undefined, accept);
    const { status, text } = answer;
    firstByteMs += answer.firstByteMs;
    if (status !== 200) throw new Error(`list answered ${status}: ${text.slice(0, 300)}`);
    const body = JSON.parse(text);
    count += (body.items ?? body.rows).length;
    token = body.metadata?.continue || undefined;
  } while (token);
  if (count !== PODS) throw new Error(`listed ${count} pods, expected ${PODS}`);
  return { ms: performance.now() - started, firstByteMs };
}

/** A CPU profile of the list phase alone (creating the pods would drown it): BENCH_LIST_PROFILE=FILE. */
async function startProfiler() {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stopInto(file: string) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

export default async function listBench() {
  const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-bench-list-'));
  const cp = await startControlPlane({ dataDir, port: 0, scheduler: false, log: () => {} });
  try {
    const client = adminClient(cp.apiUrl, cp.kubeconfigPath);
    const createStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CREATORS }, async () => {
        while (next < PODS) {
          const i = next++;
          const { status, text } = await client.call('POST', '/api/v1/namespaces/default/pods', podBody(i));
          if (status !== 201) throw new Error(`create answered ${status}: ${text.slice(0, 300)}`);
        }
      }),
    );
    const createMs = performance.now() - createStarted;

    const prefix = '/registry/core/pods/default/';
    const storeRead = async () => {
      const started = performance.now();
      const { kvs } = await cp.backend.list(prefix, {});
      if (kvs.length !== PODS) throw new Error(`store read ${kvs.length} rows, expected ${PODS}`);
      return performance.now() - started;
    };
    const storeReadParse = async () => {
      const started = performance.now();
      const { kvs } = await cp.backend.list(prefix, {});
      for (const kv of kvs) JSON.parse(Buffer.from(kv.value).toString('utf8'));
      return performance.now() - started;
    };

    const variants = {
      json: () => timedList(client, 'application/json', 0),
      jsonPaged: () => timedList(client, 'application/json', PAGE),
      table: () => timedList(client, TABLE, 0),
      tablePaged: () => timedList(client, TABLE, PAGE),
    };
    const profiler = process.env.BENCH_LIST_PROFILE ? await startProfiler() : undefined;
    const samples: Record<string, number[]> = { storeRead: [], storeReadParse: [] };
    const firstByteSamples: Record<string, number[]> = {};
    for (const name of Object.keys(variants)) {
      samples[name] = [];
      firstByteSamples[name] = [];
    }
    // Interleaved rounds so load from elsewhere spreads over every variant alike.
    for (let r = 0; r < RUNS; r++) {
      samples.storeRead!.push(await storeRead());
      samples.storeReadParse!.push(await storeReadParse());
      for (const [name, fn] of Object.entries(variants)) {
        const { ms, firstByteMs } = await fn();
        samples[name]!.push(ms);
        firstByteSamples[name]!.push(firstByteMs);
      }
    }
    if (profiler) await profiler.stopInto(process.env.BENCH_LIST_PROFILE!);
    const ms = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, round(median(v))]));
    const base = ms.storeReadParse!;
    const firstByte = Object.fromEntries(
      Object.entries(firstByteSamples).map(([k, v]) => [k, round(median(v))]),
    );
    const ratios = Object.fromEntries(Object.keys(variants).map((k) => [k, round(ms[k]! / base, 2)]));
    return {
      summary:
        `LIST ${PODS} pods: JSON ${ms.json} ms (${ratios.json}x store read+parse ${base} ms), ` +
        `paged by ${PAGE} ${ms.jsonPaged} ms (${ratios.jsonPaged}x), Table ${ms.table} ms (${ratios.table}x), ` +
        `Table paged ${ms.tablePaged} ms (${ratios.tablePaged}x); raw store read ${ms.storeRead} ms; ` +
        `waiting for first bytes: JSON ${firstByte.json} ms, JSON paged ${firstByte.jsonPaged} ms`,
      pods: PODS,
      pageSize: PAGE,
      runs: RUNS,
      createMs: Math.round(createMs),
      medianMs: ms,
      firstByteMedianMs: firstByte,
      ratioToStoreReadParse: ratios,
      samplesMs: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map((x) => round(x))])),
    };
  } finally {
    await cp.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
