// The cluster lifecycle library (contract 7) as the CLI and the app use it. Every running
// cluster is one detached supervisor process (supervisor.ts); these functions start it, talk
// to it over its unix socket, follow its events.jsonl, and clean up after it.
import { spawn } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { ProvisionError, type ProvisionedNode } from '../provision/provider.ts';
import { sleep } from './node-bring-up.ts';
import { readDesiredState, writeDesiredState, type DesiredState } from './desired-state.ts';
import { readNodes } from './nodes-file.ts';
import { clusterPaths, clustersDir, failedCreateLog } from './paths.ts';
import {
  CLUSTER_STEP,
  followProgressFile,
  ProgressLog,
  readProgressFile,
  type ProgressEvent,
} from './progress.ts';
import { providerFor } from './providers.ts';
import { readSpec, specProblems, writeSpec, type ClusterSpec } from './spec.ts';
import { processAlive, processCommandLine } from './process-liveness.ts';
import { isSupervisorCommandLine, supervisorLauncher } from './supervisor-launcher.ts';

export interface ClusterSummary {
  name: string;
  provider: string;
  /**
   * running: its supervisor is alive and the cluster came up; starting: a create or start is
   * under way; failed: the last start failed (and the user still wants it running; see error);
   * stopped: nothing runs.
   */
  state: 'running' | 'starting' | 'stopped' | 'failed';
  /** What the user last asked for (create/start: running, stop: stopped); resume follows it. */
  desired: DesiredState;
  /** Why the last create or start failed (state failed): `<step>: <message>`. */
  error?: string;
  hint?: string;
  nodes: string[];
  kubeconfig: string;
  apiUrl?: string;
  dir: string;
}

/** A failed create/start/add, naming the step (as in the progress events) and what to try. */
export class ClusterError extends Error {
  constructor(
    message: string,
    readonly step?: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}

export interface LifecycleOptions {
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

export async function listClusters(): Promise<ClusterSummary[]> {
  const dir = clustersDir();
  if (!existsSync(dir)) return [];
  const summaries: ClusterSummary[] = [];
  for (const name of readdirSync(dir).sort()) {
    const paths = clusterPaths(name);
    if (!existsSync(paths.spec)) continue;
    const spec = readSpec(paths.spec);
    summaries.push({
      name,
      provider: spec.provider,
      ...clusterState(name),
      desired: readDesiredState(paths.dir),
      nodes: readNodes(paths.nodes).map((n) => n.name),
      kubeconfig: paths.kubeconfig,
      apiUrl: spec.port ? `https://127.0.0.1:${spec.port}` : undefined,
      dir: paths.dir,
    });
  }
  return summaries;
}

/** Creates the cluster and resolves once every node is Ready; a failure or abort removes it all. */
export async function createCluster(spec: ClusterSpec, opts: LifecycleOptions = {}): Promise<ClusterSummary> {
  const problems = specProblems(spec);
  if (problems.length > 0) throw new ClusterError(problems.join('; '), 'validate');
  const paths = clusterPaths(spec.name);
  if (existsSync(paths.spec)) {
    throw new ClusterError(
      `cluster ${spec.name} already exists`,
      'validate',
      `delete it first: flotilla cluster delete ${spec.name}`,
    );
  }
  // A unix socket path must fit in sun_path (108 bytes).
  if (Buffer.byteLength(paths.supervisorSocket) > 100) {
    throw new ClusterError(
      `the cluster folder ${paths.dir} is too deep for its control socket`,
      'validate',
      'set FLOTILLA_HOME to a shorter path',
    );
  }
  const provider = await providerFor(spec.provider).catch((error: ProvisionError) => {
    throw new ClusterError(error.message, 'validate', error.hint);
  });
  const detection = await provider.detect();
  if (!detection.available)
    throw new ClusterError(
      `the ${spec.provider} provider cannot run here: ${detection.reason}`,
      'validate',
      detection.hint,
    );
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  // Held until the supervisor is up: a resume meanwhile sees the cluster as starting.
  const release = claimStart(spec.name);
  try {
    writeSpec(paths.spec, { ...spec, port: spec.port || (await freePort()) });
    writeDesiredState(paths.dir, 'running');
    writeFileSync(paths.events, '');
    await runSupervisorUntilReady(spec.name, 'create', opts);
  } catch (error) {
    const log = opts.signal?.aborted ? undefined : keepLogOfFailedCreate(spec.name, paths.supervisorLog);
    await deleteCluster(spec.name).catch(() => undefined);
    throw log ? pointToKeptLog(error, log) : error;
  } finally {
    release();
  }
  return (await listClusters()).find((c) => c.name === spec.name)!;
}

/** Copies the supervisor log out of the folder the rollback removes; its new path, if any. */
function keepLogOfFailedCreate(name: string, from: string): string | undefined {
  if (!existsSync(from)) return undefined;
  const to = failedCreateLog(name);
  try {
    mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
    copyFileSync(from, to);
    return to;
  } catch {
    return undefined; // the create's own error matters more than its log
  }
}

/** The create's error, its hint naming the kept log unless the message already does. */
function pointToKeptLog(error: unknown, keptLog: string): unknown {
  if (!(error instanceof ClusterError) || error.message.includes(keptLog)) return error;
  const pointer = `the control plane's log: ${keptLog}`;
  return new ClusterError(error.message, error.step, error.hint ? `${error.hint}; ${pointer}` : pointer);
}

/** Starts in progress in this process: a second start of the same cluster joins the first. */
const startsInProgress = new Map<string, Promise<ClusterSummary>>();

/**
 * Brings a stopped cluster back (nodes, control plane, agents); a no-op when it runs. It
 * records that the user wants it running, so it comes back after a reboot (resume.ts). By the
 * time this returns its promise the supervisor is spawned and listClusters() says `starting`.
 */
export function startCluster(name: string, opts: LifecycleOptions = {}): Promise<ClusterSummary> {
  const inProgress = startsInProgress.get(name);
  if (inProgress) return inProgress;
  const start = (async () => {
    const paths = requireCluster(name);
    writeDesiredState(paths.dir, 'running');
    if (!supervisorPid(name)) {
      const release = claimStart(name);
      try {
        writeFileSync(paths.events, '');
        await runSupervisorUntilReady(name, 'start', opts);
      } finally {
        release();
      }
    }
    return (await listClusters()).find((c) => c.name === name)!;
  })().finally(() => startsInProgress.delete(name));
  startsInProgress.set(name, start);
  return start;
}

/** Stops agents, nodes and the control plane; everything stays on disk for `start`. */
export async function stopCluster(name: string): Promise<void> {
  const paths = requireCluster(name);
  // Recorded first: a reboot during the stop must not bring it back.
  writeDesiredState(paths.dir, 'stopped');
  const pid = supervisorPid(name);
  if (!pid) return;
  // Asked over its control socket first: on Windows a signal cannot be caught, so SIGTERM
  // would end the supervisor without stopping its nodes.
  await supervisorRequest(name, 'POST', '/stop', {}).catch(() => process.kill(pid, 'SIGTERM'));
  await waitForExit(pid, 120_000);
}

/** Removes the cluster: supervisor, nodes (and their network), and its folder. Idempotent. */
export async function deleteCluster(name: string): Promise<void> {
  const paths = clusterPaths(name);
  const pid = supervisorPid(name);
  if (pid) {
    // Nodes are deleted below anyway: no need for a graceful stop of every agent.
    process.kill(pid, 'SIGTERM');
    if (!(await waitForExit(pid, 60_000))) {
      process.kill(pid, 'SIGKILL');
      await waitForExit(pid, 10_000);
    }
  }
  if (existsSync(paths.spec)) {
    const spec = readSpec(paths.spec);
    const provider = await providerFor(spec.provider);
    const ctx = {
      cluster: name,
      clusterDir: paths.dir,
      sshPublicKey: existsSync(`${paths.sshKey}.pub`) ? readFileSync(`${paths.sshKey}.pub`, 'utf8') : '',
      progress: () => {},
    };
    for (const node of readNodes(paths.nodes)) await provider.deleteNode(node, ctx);
    const withNetwork = provider as typeof provider & { deleteNetwork?: (c: typeof ctx) => Promise<void> };
    await withNetwork.deleteNetwork?.(ctx);
  }
  rmSync(paths.dir, { recursive: true, force: true });
}

/** Adds a node (default name: the next free node-<k>) and resolves when it is Ready. */
export async function addNode(
  name: string,
  node?: string,
  opts: LifecycleOptions = {},
): Promise<ProvisionedNode> {
  const result = await supervisorRequest<{ node: ProvisionedNode }>(
    name,
    'POST',
    `/nodes${node ? `?name=${encodeURIComponent(node)}` : ''}`,
    opts,
  );
  return result.node;
}

/** Drains the node, uninstalls its agent and deletes it. */
export async function removeNode(name: string, node: string, opts: LifecycleOptions = {}): Promise<void> {
  await supervisorRequest(name, 'DELETE', `/nodes/${encodeURIComponent(node)}`, opts);
}

export function listNodes(name: string): ProvisionedNode[] {
  return readNodes(requireCluster(name).nodes);
}

export function readProgress(name: string): ProgressEvent[] {
  return readProgressFile(clusterPaths(name).events);
}

export function followProgress(name: string, cb: (event: ProgressEvent) => void): () => void {
  return followProgressFile(clusterPaths(name).events, cb);
}

export function kubeconfigPath(name: string): string {
  const paths = requireCluster(name);
  if (!existsSync(paths.kubeconfig))
    throw new ClusterError(
      `cluster ${name} has no kubeconfig yet (start it: flotilla cluster start ${name})`,
    );
  return paths.kubeconfig;
}

/** The pid of the cluster's live supervisor, or undefined. */
export function supervisorPid(name: string): number | undefined {
  const file = clusterPaths(name).supervisorPid;
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (!processAlive(pid)) return undefined;
  const cmdline = processCommandLine(pid);
  if (cmdline === null) return pid; // macOS, Windows: no command line to check
  return cmdline !== undefined && isSupervisorCommandLine(cmdline, name) ? pid : undefined;
}

/**
 * The cluster's state from its supervisor and its last create/start's events, so every
 * process (CLI, app, another app instance) sees the same.
 */
function clusterState(name: string): Pick<ClusterSummary, 'state' | 'error' | 'hint'> {
  const paths = clusterPaths(name);
  const events = readProgressFile(paths.events);
  const end = events.findLast((e) => e.step === CLUSTER_STEP && e.status !== 'started');
  const failure = () => {
    const step = events.find((e) => e.status === 'failed' && e.step !== CLUSTER_STEP);
    return {
      state: 'failed' as const,
      error: step ? `${step.step}${step.node ? ` (${step.node})` : ''}: ${step.message}` : end?.message,
      hint: step?.hint ?? end?.hint,
    };
  };
  if (supervisorPid(name)) {
    if (end?.status === 'done') return { state: 'running' };
    return end?.status === 'failed' ? failure() : { state: 'starting' };
  }
  // Claimed by a start whose supervisor has not written its pid yet.
  if (startClaimedBy(name)) return { state: 'starting' };
  if (end?.status === 'failed' && readDesiredState(paths.dir) === 'running') return failure();
  return { state: 'stopped' };
}

function startLockFile(name: string): string {
  return join(clusterPaths(name).dir, 'start.lock');
}

/** The live process that is starting the cluster, if any. */
function startClaimedBy(name: string): number | undefined {
  try {
    const pid = Number(readFileSync(startLockFile(name), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One start at a time across processes (the app resuming clusters while `cluster start` runs):
 * two supervisors of one cluster would fight over its nodes. A lock left by a dead process is
 * taken over. Returns the release.
 */
function claimStart(name: string): () => void {
  const file = startLockFile(name);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = startClaimedBy(name);
      if (holder)
        throw new ClusterError(
          `cluster ${name} is being started by process ${holder}`,
          'start',
          'wait for it: flotilla cluster list shows it as starting',
        );
      rmSync(file, { force: true });
    }
  }
  throw new ClusterError(`cluster ${name} is being started by another process`, 'start');
}

function requireCluster(name: string) {
  const paths = clusterPaths(name);
  if (!existsSync(paths.spec))
    throw new ClusterError(`no cluster named ${name}`, undefined, 'see flotilla cluster list');
  return paths;
}

async function runSupervisorUntilReady(
  name: string,
  mode: 'create' | 'start',
  opts: LifecycleOptions,
): Promise<void> {
  const paths = clusterPaths(name);
  const log = openSync(paths.supervisorLog, 'a');
  // The CLI's Node, or the desktop app's own executable in supervisor mode (supervisor-launcher.ts).
  const launcher = supervisorLauncher();
  const child = spawn(launcher.command, launcher.args(name, mode), {
    // Outlives whoever started it; on Windows without a console window of its own.
    detached: true,
    windowsHide: true,
    stdio: ['ignore', log, log],
    env: launcher.env ?? process.env,
  });
  closeSync(log);
  child.unref();
  let exited = false;
  child.once('exit', () => (exited = true));
  let outcome: ProgressEvent | undefined;
  const stopFollowing = followProgressFile(paths.events, (event) => {
    opts.onProgress?.(event);
    if (event.step === CLUSTER_STEP && (event.status === 'done' || event.status === 'failed'))
      outcome = event;
  });
  const onAbort = () => child.pid && process.kill(child.pid, 'SIGTERM');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (!outcome) {
      if (exited) {
        await sleep(300); // the last events may still be on their way to the file
        if (outcome) break;
        // A failed create keeps the log outside the folder it removes (createCluster).
        const log = mode === 'create' ? failedCreateLog(name) : paths.supervisorLog;
        const message = `the cluster supervisor exited early; see ${log}`;
        // Said in the events too, so whoever lists the cluster sees why it is not running
        // (unless the cluster was deleted meanwhile, folder and all).
        if (existsSync(paths.dir))
          new ProgressLog(paths.events, name).emit({
            step: CLUSTER_STEP,
            status: 'failed',
            elapsedMs: 0,
            message,
          });
        throw new ClusterError(message, mode);
      }
      await sleep(100);
    }
  } finally {
    stopFollowing();
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (outcome.status === 'failed') {
    const failedStep = readProgressFile(paths.events).find(
      (e) => e.status === 'failed' && e.step !== CLUSTER_STEP,
    );
    if (child.pid) await waitForExit(child.pid, 120_000);
    throw new ClusterError(
      opts.signal?.aborted ? 'cancelled' : (outcome.message ?? 'failed'),
      failedStep?.step,
      failedStep?.hint ?? outcome.hint,
    );
  }
}

function supervisorRequest<T>(
  name: string,
  method: string,
  path: string,
  opts: LifecycleOptions,
): Promise<T> {
  const paths = requireCluster(name);
  if (!supervisorPid(name)) {
    return Promise.reject(
      new ClusterError(
        `cluster ${name} is not running`,
        undefined,
        `start it: flotilla cluster start ${name}`,
      ),
    );
  }
  const stopFollowing = opts.onProgress
    ? followProgressFile(paths.events, opts.onProgress, { fromStart: false })
    : undefined;
  return new Promise<T>((done, fail) => {
    const req = request({ socketPath: paths.supervisorSocket, method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        let parsed: any;
        try {
          parsed = JSON.parse(body);
        } catch {
          parsed = { error: body };
        }
        if ((res.statusCode ?? 500) >= 300)
          fail(
            new ClusterError(
              parsed.error ?? `supervisor answered ${res.statusCode}`,
              parsed.step,
              parsed.hint,
            ),
          );
        else done(parsed as T);
      });
    });
    req.on('error', (error) =>
      fail(new ClusterError(`cannot reach the supervisor of ${name}: ${error.message}`)),
    );
    opts.signal?.addEventListener('abort', () => req.destroy(new Error('cancelled')), { once: true });
    req.end();
  }).finally(() => stopFollowing?.());
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

const isAlive = (pid: number) => processAlive(pid);

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => done(port));
    });
  });
}
