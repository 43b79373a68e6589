// The app's own API (control-plane/app-api): clusters and their creation progress.
import { getJson, sendJson, streamLines } from './client.ts';

export interface ClusterSpec {
  name: string;
  provider: string;
  nodes: number;
  cpus: number;
  memory: string;
  serviceCIDR: string;
  podCIDR: string;
}

export interface ProgressEvent {
  time: string;
  cluster: string;
  step: string;
  node?: string;
  status: 'started' | 'progress' | 'done' | 'failed';
  elapsedMs: number;
  message?: string;
  hint?: string;
}

export const createCluster = (spec: ClusterSpec) =>
  sendJson<{ name: string; progress: string }>('POST', '/app/v1/clusters', spec);

export const cancelCluster = (name: string) => sendJson('POST', `/app/v1/clusters/${name}/cancel`);

export function followProgress(name: string, onEvent: (e: ProgressEvent) => void, signal: AbortSignal) {
  return streamLines(
    `/app/v1/clusters/${name}/progress`,
    (line) => onEvent(JSON.parse(line) as ProgressEvent),
    signal,
  );
}

/** The steps each node goes through, in order (contract 7). */
export const nodeSteps = ['create node', 'SSH up', 'install agent', 'agent up', 'node Ready'] as const;

export interface StepState {
  status: ProgressEvent['status'] | 'waiting';
  elapsedMs: number;
  message?: string;
  hint?: string;
}

/** Folds events into a table: row per node (or '' for cluster-wide steps), column per step. */
export function progressTable(events: ProgressEvent[]): Map<string, Map<string, StepState>> {
  const table = new Map<string, Map<string, StepState>>();
  for (const e of events) {
    const row = e.node ?? '';
    if (!table.has(row)) table.set(row, new Map());
    table
      .get(row)!
      .set(e.step, { status: e.status, elapsedMs: e.elapsedMs, message: e.message, hint: e.hint });
  }
  return table;
}

export interface ProviderAvailability {
  name: string;
  available: boolean;
  reason?: string;
}

export const listProviders = () =>
  getJson<{ items: ProviderAvailability[] }>('/app/v1/providers').then((l) => l.items);

/** Every node has finished its last step. */
export function allNodesReady(events: ProgressEvent[], nodes: number): boolean {
  const ready = new Set(
    events.filter((e) => e.step === 'node Ready' && e.status === 'done').map((e) => e.node),
  );
  return ready.size >= nodes;
}

export interface ClusterSummary {
  name: string;
  provider?: string;
  state?: 'running' | 'stopped';
  nodes?: string[];
  /** Path of the cluster's admin kubeconfig on this computer. */
  kubeconfig?: string;
}

/** The clusters the app made; empty where cluster management is not available. */
export const listClusters = () =>
  getJson<{ items: ClusterSummary[] }>('/app/v1/clusters').then(
    (l) => l.items,
    () => [] as ClusterSummary[],
  );

/** `flotilla doctor` as the app API serves it (control-plane/doctor). */
export interface DoctorCheck {
  id: string;
  title: string;
  status: 'ok' | 'warn' | 'fail';
  message: string;
  hint?: string;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  summary: Record<DoctorCheck['status'], number>;
}

export const runDoctor = () => getJson<DoctorReport>('/app/v1/doctor');
