// Registries over a real backend for tests: every backend case the suite runs against, a clock
// tests move by hand, and small helpers to wait for watch events without sleeping.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../../../storage/types.ts';
import { createMemoryBackend } from '../../../storage/memory/index.ts';
import { openSqliteBackend } from '../../../storage/sqlite/index.ts';
import { StatusError } from '../../status.ts';
import { createRegistries, type RegistryOptions } from '../create-registries.ts';
import { ensureDefaultNamespaces } from '../default-namespaces.ts';
import type { GenericRegistry } from '../store.ts';
import type { KubeObject, RequestContext, WatchEvent, WatchOptions } from '../types.ts';

export interface BackendCase {
  name: string;
  open(): Promise<{ backend: Backend; cleanup: () => Promise<void> }>;
}

export const backendCases: BackendCase[] = [
  {
    name: 'memory',
    async open() {
      const backend = createMemoryBackend({ compactIntervalMs: 0 });
      await backend.start();
      return { backend, cleanup: () => backend.close() };
    },
  },
  {
    name: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'flotilla-registry-'));
      const backend = await openSqliteBackend({ path: join(dir, 'store.db'), compactIntervalMs: 0 });
      return {
        backend,
        cleanup: async () => {
          await backend.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

/** A clock that only moves when told to. */
export class ManualClock {
  constructor(private now = Date.parse('2026-01-01T00:00:00Z')) {}
  readonly read = () => new Date(this.now);
  advance(seconds: number): void {
    this.now += seconds * 1000;
  }
}

export const ctx = (extra: Partial<RequestContext> = {}): RequestContext => ({
  user: { username: 'admin', groups: ['system:masters'] },
  warnings: [],
  ...extra,
});

export interface Harness {
  backend: Backend;
  clock: ManualClock;
  registries: Map<string, GenericRegistry>;
  /** The registry of `group/version/plural` (`/v1/pods`). */
  r(key: string): GenericRegistry;
  close(): Promise<void>;
}

export async function openHarness(bc: BackendCase, opts: RegistryOptions = {}): Promise<Harness> {
  const { backend, cleanup } = await bc.open();
  const clock = new ManualClock();
  const registries = createRegistries(backend, { clock: clock.read, ...opts });
  await ensureDefaultNamespaces(registries);
  return {
    backend,
    clock,
    registries,
    r: (key) => {
      const reg = registries.get(key);
      if (!reg) throw new Error(`no registry ${key}`);
      return reg;
    },
    close: cleanup,
  };
}

/** The StatusError a promise rejects with (fails the test if it resolves). */
/** Polls `read` until it gives a value (a watch-fed cache started and caught up), for up to 20 s. */
export async function eventually<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function statusOf(p: Promise<unknown>): Promise<StatusError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError, but the call succeeded');
}

/** A watch that records its events; `until` waits for a condition on them instead of sleeping. */
export async function recordWatch(reg: GenericRegistry, namespace: string, opts: WatchOptions) {
  const events: WatchEvent[] = [];
  let closed: { err?: Error } | undefined;
  let wake = () => {};
  const stream = await reg.watch(
    ctx(),
    namespace,
    opts,
    (ev) => {
      events.push(ev);
      wake();
    },
    (err) => {
      closed = { err };
      wake();
    },
  );
  const until = (what: string, check: () => boolean, timeoutMs = 30_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      wake = () => {
        if (check()) {
          clearTimeout(timer);
          wake = () => {};
          resolve();
        }
      };
      wake();
    });
  return {
    events,
    get closed() {
      return closed;
    },
    /** `TYPE name` of every event (BOOKMARK: `BOOKMARK <rv>`). */
    summary: () =>
      events.map((e) =>
        e.type === 'BOOKMARK'
          ? `BOOKMARK ${e.object.metadata?.resourceVersion}`
          : `${e.type} ${e.object.metadata?.name ?? ''}`,
      ),
    until,
    close: () => stream.close(),
  };
}

export const configMap = (
  name: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(labels ? { labels } : {}) },
  data,
});

export const pod = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
});

export const deployment = (name: string, replicas = 1): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    },
  },
});
