// What the app API needs from the cluster lifecycle library (contract 7, control-plane/cluster/,
// built by CLUSTER). Kept as an interface so the app API can be served and tested before and
// independently of the real library; `loadClusterLibrary` finds the real one when it exists.
import type { ProvisionedNode } from '../provision/provider.ts';

export type ProgressStatus = 'started' | 'progress' | 'done' | 'failed';

/** One progress event, as the library writes it to events.jsonl. */
export interface ProgressEvent {
  time: string;
  cluster: string;
  /** `create node`, `SSH up`, `install agent`, `agent up`, `node Ready` (per node), or cluster steps. */
  step: string;
  node?: string;
  status: ProgressStatus;
  elapsedMs: number;
  message?: string;
  hint?: string;
}

/** The wizard's cluster spec (cluster.yaml). */
export interface ClusterSpec {
  name: string;
  provider: string;
  nodes: number;
  cpus?: number;
  memory?: string;
  serviceCIDR?: string;
  podCIDR?: string;
  [key: string]: unknown;
}

export interface ClusterSummary {
  name: string;
  provider?: string;
  /** running | starting (a create or start, also a resume after a reboot) | stopped | failed */
  state?: string;
  /** What the user last asked for (running | stopped); clusters wanted running are resumed. */
  desired?: string;
  /** state failed: why the last start failed, and what to try. */
  error?: string;
  hint?: string;
  nodes?: string[];
  kubeconfig?: string;
}

export interface ClusterLibrary {
  listClusters(): Promise<ClusterSummary[]>;
  createCluster(
    spec: ClusterSpec,
    opts: { onProgress?: (e: ProgressEvent) => void; signal?: AbortSignal },
  ): Promise<unknown>;
  deleteCluster(name: string): Promise<unknown>;
  startCluster?(name: string): Promise<unknown>;
  stopCluster?(name: string): Promise<unknown>;
  /** The cluster's nodes as its provider made them (nodes.json). */
  listNodes?(name: string): ProvisionedNode[];
  /** The cluster's folders and files; the UI needs `sshKey` for node terminals. */
  clusterPaths?(name: string): { sshKey: string };
  /** The cluster's admin kubeconfig (throws when the cluster has none yet). */
  kubeconfigPath?(name: string): string;
  readProgress(name: string): Promise<ProgressEvent[]> | ProgressEvent[];
  /** Calls back for each new event; returns a function that stops following. */
  followProgress(
    name: string,
    cb: (e: ProgressEvent) => void,
  ): (() => void) | Promise<() => void> | { close(): void };
}

/**
 * The real library (control-plane/cluster/), loaded on first use so `flotilla serve` does not pay
 * for it at start. A literal import, so the desktop app's bundle carries it too.
 */
export async function loadClusterLibrary(): Promise<ClusterLibrary | undefined> {
  // Typed, not cast: the compiler checks that the library keeps to what the app API needs.
  const lib: ClusterLibrary = await import('../cluster/index.ts');
  return lib;
}
