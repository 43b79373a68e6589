// The app's own API under /app/v1 (the Kubernetes API stays at /api and /apis): clusters and
// their live creation progress, for the renderer's "Create cluster" wizard. Served by the API
// server as a mount, so the same authentication (session cookie, client certificate) applies.
//   GET    /app/v1/providers                 which providers work on this computer
//   GET    /app/v1/doctor                    host checks (`flotilla doctor`), ?nodes=N&memory=MiB
//   GET    /app/v1/clusters                  list
//   POST   /app/v1/clusters                  create (202; progress follows)
//   GET    /app/v1/clusters/NAME/progress    progress events, NDJSON, streamed until done/failed
//   POST   /app/v1/clusters/NAME/cancel      abort a creation in progress
//   DELETE /app/v1/clusters/NAME             delete
//   *      /app/v1/clusters/NAME/k8s/PATH    the cluster's Kubernetes API (cluster-proxy.ts)
//   GET    /app/v1/clusters/NAME/kubeconfig  the cluster's admin kubeconfig (a download)
//   GET    /app/v1/clusters/NAME/nodes/NODE/shell   WebSocket: a shell on the node (node-shell.ts)
//   GET    /app/v1/local-shell?cluster=NAME  WebSocket: a shell here, KUBECONFIG set (local-shell.ts)
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Mount } from '../apiserver/server.ts';
import type { ClusterLibrary, ClusterSpec, ProgressEvent } from './cluster-library.ts';
import { proxyToCluster, proxyUpgradeToCluster } from './cluster-proxy.ts';
import type { Duplex } from 'node:stream';
import { openNodeShell } from './node-shell.ts';
import { openLocalShell } from './local-shell.ts';
import { detectProviders } from './providers.ts';
import { dataRoot } from '../cluster/paths.ts';
import { CLUSTER_STEP } from '../cluster/progress.ts';
import { runDoctor } from '../doctor/index.ts';

export type { ClusterLibrary, ClusterSpec, ProgressEvent } from './cluster-library.ts';
export { loadClusterLibrary } from './cluster-library.ts';
export { detectProviders, type ProviderAvailability } from './providers.ts';

export interface AppApiOptions {
  /** The cluster library, or a promise of it (loaded lazily); undefined = not available here. */
  clusters: () => Promise<ClusterLibrary | undefined>;
  /** This control plane's admin kubeconfig: the local shell's KUBECONFIG when no cluster is named. */
  localKubeconfig?: () => string | undefined;
}

const namePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function problem(res: ServerResponse, status: number, message: string, hint?: string): void {
  json(res, status, { error: message, ...(hint ? { hint } : {}) });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1 << 20) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

export function validateSpec(body: unknown): { spec?: ClusterSpec; error?: string } {
  const s = body as Partial<ClusterSpec> | null;
  if (!s || typeof s !== 'object') return { error: 'the body must be a cluster spec object' };
  if (typeof s.name !== 'string' || !namePattern.test(s.name))
    return {
      error: 'name: lowercase letters, digits and dashes, starting and ending with a letter or digit',
    };
  if (typeof s.provider !== 'string' || !s.provider) return { error: 'provider: choose one' };
  if (typeof s.nodes !== 'number' || !Number.isInteger(s.nodes) || s.nodes < 1 || s.nodes > 50)
    return { error: 'nodes: a whole number from 1 to 50' };
  return { spec: s as ClusterSpec };
}

/** A create started through this API: its abort, and its outcome once it settles. */
interface Creation {
  abort: AbortController;
  /** Resolves (never rejects) with the error the create failed with, or undefined. */
  settled: Promise<Error | undefined>;
}

export function createAppApi(opts: AppApiOptions): Mount {
  const creating = new Map<string, Creation>();

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    upgrade?: { socket: Duplex; head: Buffer },
  ): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const parts = url.pathname.split('/').filter(Boolean); // app v1 clusters NAME sub
    if (parts[0] === 'app' && parts[1] === 'v1' && parts[2] === 'providers' && parts.length === 3) {
      json(res, 200, { items: detectProviders() });
      return;
    }
    if (parts[0] === 'app' && parts[1] === 'v1' && parts[2] === 'doctor' && parts.length === 3) {
      // Needs no cluster library: diagnostics must work while (or because) clusters cannot start.
      const nodes = Number(url.searchParams.get('nodes')) || undefined;
      const memoryPerNodeMiB = Number(url.searchParams.get('memory')) || undefined;
      json(res, 200, await runDoctor({ dataRoot: dataRoot(), nodes, memoryPerNodeMiB }));
      return;
    }
    if (parts[0] === 'app' && parts[1] === 'v1' && parts[2] === 'local-shell' && parts.length === 3) {
      if (!upgrade) return problem(res, 400, 'the local shell is a WebSocket');
      const cluster = url.searchParams.get('cluster');
      if (!cluster) return openLocalShell(opts.localKubeconfig?.(), req, upgrade);
      const lib = await opts.clusters();
      if (!namePattern.test(cluster) || !lib?.kubeconfigPath)
        return problem(res, 404, `no cluster named ${cluster}`);
      return openLocalShell(lib.kubeconfigPath(cluster), req, upgrade);
    }
    if (parts[0] !== 'app' || parts[1] !== 'v1' || parts[2] !== 'clusters') {
      problem(res, 404, `no such app API path: ${url.pathname}`);
      return;
    }
    const lib = await opts.clusters();
    if (!lib) {
      problem(
        res,
        503,
        'cluster management is not available in this build yet',
        'use `flotilla serve` with `flotilla simulate nodes`, or create clusters with the flotilla CLI',
      );
      return;
    }
    const name = parts[3];
    const sub = parts[4];
    const method = req.method ?? 'GET';
    try {
      if (!name && method === 'GET') return json(res, 200, { items: await lib.listClusters() });
      if (!name && method === 'POST') {
        const { spec, error } = validateSpec(await readJson(req));
        if (!spec) return problem(res, 422, error!);
        if (creating.has(spec.name))
          return problem(res, 409, `cluster ${spec.name} is already being created`);
        const abort = new AbortController();
        // Creation runs on; the client follows it through /progress. Failures land there too.
        const settled = lib.createCluster(spec, { signal: abort.signal }).then(
          () => undefined,
          (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
        );
        creating.set(spec.name, { abort, settled });
        void settled.finally(() => creating.delete(spec.name));
        return json(res, 202, { name: spec.name, progress: `/app/v1/clusters/${spec.name}/progress` });
      }
      if (name && !namePattern.test(name)) return problem(res, 404, `no cluster named ${name}`);
      if (name && !sub && method === 'DELETE')
        return json(res, 200, { deleted: name, result: await lib.deleteCluster(name) });
      if (name && sub === 'cancel' && method === 'POST') {
        const creation = creating.get(name);
        if (!creation) return problem(res, 404, `cluster ${name} is not being created`);
        creation.abort.abort();
        return json(res, 200, { cancelled: name });
      }
      if (name && sub === 'progress' && method === 'GET')
        return streamProgress(lib, name, creating.get(name), req, res);
      if (name && sub === 'nodes' && parts[6] === 'shell' && upgrade && lib.listNodes && lib.clusterPaths) {
        const node = lib.listNodes(name).find((n) => n.name === parts[5]);
        if (!node) return problem(res, 404, `cluster ${name} has no node ${parts[5]}`);
        return openNodeShell(node, lib.clusterPaths(name).sshKey, req, upgrade);
      }
      if (name && sub === 'kubeconfig' && method === 'GET' && lib.kubeconfigPath) {
        const body = readFileSync(lib.kubeconfigPath(name));
        res.writeHead(200, {
          'Content-Type': 'application/yaml',
          'Content-Disposition': `attachment; filename="${name}.kubeconfig"`,
          'Cache-Control': 'no-store',
          'Content-Length': String(body.length),
        });
        res.end(body);
        return;
      }
      if (name && sub === 'k8s' && lib.kubeconfigPath) {
        const prefix = `/app/v1/clusters/${name}/k8s`;
        const rest = (req.url ?? '').slice(prefix.length) || '/';
        if (upgrade) return proxyUpgradeToCluster(lib.kubeconfigPath(name), rest, req, upgrade);
        return proxyToCluster(lib.kubeconfigPath(name), rest, req, res);
      }
      problem(res, 405, `${method} ${url.pathname} is not supported`);
    } catch (err) {
      problem(res, 500, err instanceof Error ? err.message : String(err));
    }
  };

  return { prefix: '/app/', handle };
}

// A failure of the cluster as a whole ends the stream; otherwise the client decides when it has
// seen enough (all nodes Ready) and hangs up.
const finished = (e: ProgressEvent) => e.status === 'failed' && !e.node;

/** How long the library's file follower gets to deliver a settled create's last events. */
const LAST_EVENTS_MS = 1_000;

/**
 * Past events, then new ones as they happen, one JSON object per line. When the create behind
 * them (started here) settles, the stream ends too: a failure the events never told (the folder
 * went with the rollback before they were read) is told as a last `cluster` failed event.
 */
async function streamProgress(
  lib: ClusterLibrary,
  name: string,
  creation: Creation | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-store' });
  const write = (e: ProgressEvent) => {
    res.write(`${JSON.stringify(e)}\n`);
    if (finished(e)) res.end();
  };
  const seen = new Set<string>();
  const once = (e: ProgressEvent) => {
    const key = `${e.time}|${e.step}|${e.node ?? ''}|${e.status}`;
    if (seen.has(key) || res.writableEnded) return;
    seen.add(key);
    write(e);
  };
  const following = await lib.followProgress(name, once);
  const stop = typeof following === 'function' ? following : () => following.close();
  for (const e of await lib.readProgress(name)) once(e);
  const end = () => stop();
  req.once('close', end);
  res.once('close', end);
  const error = await creation?.settled;
  if (!creation) return;
  await new Promise((resolve) => setTimeout(resolve, LAST_EVENTS_MS));
  if (res.writableEnded || res.destroyed) return;
  if (!error) return void res.end();
  const hint = (error as { hint?: unknown }).hint;
  write({
    time: new Date().toISOString(),
    cluster: name,
    step: CLUSTER_STEP,
    status: 'failed',
    elapsedMs: 0,
    message: error.message,
    ...(typeof hint === 'string' ? { hint } : {}),
  }); // a cluster-wide failure: write() ends the stream
}
