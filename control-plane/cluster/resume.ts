// Clusters come back after the app or the computer restarts: every cluster the user left
// running (desired-state) whose supervisor is gone is started again, the same way `cluster
// start` does, so its nodes, control plane (with its store) and workloads return. Called when the
// desktop app starts and when `flotilla serve` / `npm start` starts the UI.
import { listClusters, startCluster, type ClusterSummary, type LifecycleOptions } from './lifecycle.ts';

export interface ResumeResult {
  name: string;
  ok: boolean;
  /** Why it did not come back (`cluster list` and the app show it too, as state failed). */
  error?: string;
  step?: string;
  hint?: string;
}

export interface Resuming {
  /** The clusters being started, already listed as `starting` when this resolves. */
  names: string[];
  /** Settles when each has come up or failed; never rejects. */
  done: Promise<ResumeResult[]>;
}

export interface ResumeOptions {
  /** Progress of each cluster's start (the same events as `cluster start`, also in events.jsonl). */
  onProgress?: LifecycleOptions['onProgress'];
  /** Each cluster's outcome as soon as it is known. */
  onResult?: (result: ResumeResult) => void;
}

/** Which clusters to start again: wanted running, and nothing runs or is starting. */
export function clustersToResume(clusters: ClusterSummary[]): ClusterSummary[] {
  return clusters.filter((c) => c.desired === 'running' && (c.state === 'stopped' || c.state === 'failed'));
}

/**
 * Starts, side by side and in the background, every cluster that should run and does not.
 * Nothing is ever deleted: a cluster whose start fails stays listed with its error.
 */
export async function resumeClusters(opts: ResumeOptions = {}): Promise<Resuming> {
  const wanted = clustersToResume(await listClusters().catch(() => []));
  // startCluster reports every failure as a rejection (its work runs inside an async function).
  const results = wanted.map(({ name }) =>
    startCluster(name, { onProgress: opts.onProgress }).then(
      (): ResumeResult => ({ name, ok: true }),
      (error: Error & { step?: string; hint?: string }): ResumeResult => ({
        name,
        ok: false,
        error: error.message,
        step: error.step,
        hint: error.hint,
      }),
    ),
  );
  for (const result of results) void result.then((r) => opts.onResult?.(r));
  return { names: wanted.map((c) => c.name), done: Promise.all(results) };
}
