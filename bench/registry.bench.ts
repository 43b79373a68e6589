// Registry benchmark (npm run bench -- registry): pod creates/s through the generic registry
// (defaults, validation, metadata, encoding, the namespace check) on the SQLite store with 64
// concurrent clients, against a baseline of the same number of raw backend creates of the same
// bytes in the same run: the ratio is what the registry costs on top of the store. Also the
// cost of watch fan-out: the same creates with 50 watchers on the resource.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistries, ensureDefaultNamespaces } from '../control-plane/apiserver/registry/index.ts';
import type { RequestContext } from '../control-plane/apiserver/registry/types.ts';
import { openSqliteBackend } from '../control-plane/storage/index.ts';
import { benchPod } from './bench-pod.ts';

const CLIENTS = 64;
const PHASE_MS = 3000;
const WATCHERS = 50;
const TARGET_CREATES_PER_SECOND = 2000;

const ctx: RequestContext = { user: { username: 'bench', groups: ['system:masters'] }, warnings: [] };
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

const podBody = (i: number) => benchPod(`pod-${i}`, i);

async function withStore<T>(fn: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-registry-'));
  try {
    return await fn(join(dir, 'store.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `clients` loops calling `op(i)` with fresh i until `ms` passes. */
async function run(clients: number, ms: number, op: (i: number) => Promise<unknown>) {
  let next = 0;
  const deadline = Date.now() + ms;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < deadline) await op(next++);
    }),
  );
  return Math.round(next / ((Date.now() - started) / 1000));
}

async function backendCreates(): Promise<number> {
  return withStore(async (path) => {
    const backend = await openSqliteBackend({ path, compactIntervalMs: 0 });
    const bytes = Buffer.from(JSON.stringify({ ...podBody(0), status: { phase: 'Pending' } }));
    try {
      return await run(CLIENTS, PHASE_MS, (i) =>
        backend.create(`/registry/core/pods/default/pod-${i}`, bytes),
      );
    } finally {
      await backend.close();
    }
  });
}

async function registryCreates(
  watchers: number,
): Promise<{ createsPerSecond: number; eventsDelivered: number }> {
  return withStore(async (path) => {
    const backend = await openSqliteBackend({ path, compactIntervalMs: 0 });
    try {
      const registries = createRegistries(backend);
      await ensureDefaultNamespaces(registries);
      const pods = registries.get('/v1/pods')!;
      let eventsDelivered = 0;
      const streams = await Promise.all(
        Array.from({ length: watchers }, (_, w) =>
          pods.watch(
            ctx,
            '',
            { labelSelector: w % 2 === 0 ? '' : 'shard=1', resourceVersion: '' },
            () => eventsDelivered++,
            () => {},
          ),
        ),
      );
      const createsPerSecond = await run(CLIENTS, PHASE_MS, (i) => pods.create(ctx, 'default', podBody(i)));
      for (const s of streams) s.close();
      return { createsPerSecond, eventsDelivered };
    } finally {
      await backend.close();
    }
  });
}

export default async function registryBench() {
  const before = await backendCreates();
  const plain = await registryCreates(0);
  const watched = await registryCreates(WATCHERS);
  const after = await backendCreates();
  const baseline = Math.round((before + after) / 2);
  const results = {
    clients: CLIENTS,
    baselineBackendCreatesPerSecond: baseline,
    registryCreatesPerSecond: plain.createsPerSecond,
    ratioToBaseline: round(plain.createsPerSecond / baseline),
    withWatchers: {
      watchers: WATCHERS,
      ...watched,
      ratioToBaseline: round(watched.createsPerSecond / baseline),
    },
    target: {
      createsPerSecond: TARGET_CREATES_PER_SECOND,
      met: plain.createsPerSecond >= TARGET_CREATES_PER_SECOND,
    },
  };
  return {
    summary: `${plain.createsPerSecond} pod creates/s at ${CLIENTS} clients (${results.ratioToBaseline}x raw store ${baseline}/s), ${watched.createsPerSecond}/s with ${WATCHERS} watchers; target ${TARGET_CREATES_PER_SECOND}/s ${results.target.met ? 'met' : 'MISSED'}`,
    ...results,
  };
}
