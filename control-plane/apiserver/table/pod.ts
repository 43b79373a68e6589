// `kubectl get pods`: NAME READY STATUS RESTARTS AGE (wide: IP NODE NOMINATED NODE READINESS GATES).
// STATUS is not a field: it is derived from the phase, init containers and container states
// exactly as upstream's printPod does, so users see the same CrashLoopBackOff, Init:0/1,
// Completed or Terminating they would see on a real cluster.
import { ageColumn, column, nameColumn, type RowCondition, type TypePrinter } from './common.ts';
import { ageOf } from './human-duration.ts';

/** Sidecars: init containers with restartPolicy Always run beside the app containers. */
function isRestartable(container: any): boolean {
  return container?.restartPolicy === 'Always';
}

function terminatedAt(status: any): number {
  const t = status?.lastState?.terminated?.finishedAt;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

function conditionTrue(pod: any, type: string): boolean {
  return (pod?.status?.conditions ?? []).some((c: any) => c?.type === type && c?.status === 'True');
}

export interface PodSummary {
  ready: string;
  status: string;
  restarts: number;
  /** ms of the latest restart (last termination), 0 when unknown. */
  lastRestart: number;
}

export function summarizePod(pod: any): PodSummary {
  const spec = pod?.spec ?? {};
  const status = pod?.status ?? {};
  const initSpecs: any[] = spec.initContainers ?? [];
  const initByName = new Map<string, any>(initSpecs.map((c) => [c?.name, c]));
  let total = (spec.containers ?? []).length + initSpecs.filter(isRestartable).length;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let sidecarLastRestart = 0;
  let reason: string = status.reason || status.phase || '';
  if (
    (status.conditions ?? []).some((c: any) => c?.type === 'PodScheduled' && c?.reason === 'SchedulingGated')
  )
    reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses: any[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    restarts += c?.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, terminatedAt(c));
    const sidecar = isRestartable(initByName.get(c?.name));
    if (sidecar) {
      sidecarRestarts += c?.restartCount ?? 0;
      sidecarLastRestart = Math.max(sidecarLastRestart, terminatedAt(c));
    }
    const terminated = c?.state?.terminated;
    const waiting = c?.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (sidecar && c?.started === true) {
      if (c.ready) ready++;
      continue;
    }
    if (terminated) {
      if (terminated.reason) reason = `Init:${terminated.reason}`;
      else if (terminated.signal) reason = `Init:Signal:${terminated.signal}`;
      else reason = `Init:ExitCode:${terminated.exitCode ?? 0}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(pod, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = sidecarLastRestart;
    let hasRunning = false;
    const statuses: any[] = status.containerStatuses ?? [];
    // Walked last to first, so the first container's state decides the reason.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c?.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, terminatedAt(c));
      const waiting = c?.state?.waiting;
      const terminated = c?.state?.terminated;
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated)
        reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
      else if (c?.ready && c?.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = !!pod?.metadata?.deletionTimestamp;
  if (deleting && status.reason === 'NodeLost') reason = 'Unknown';
  else if (deleting && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';
  total = Math.max(total, 0);
  return { ready: `${ready}/${total}`, status: reason, restarts, lastRestart };
}

function restartsCell(pod: any, now: number): string {
  const { restarts, lastRestart } = summarizePod(pod);
  if (restarts === 0 || lastRestart === 0) return String(restarts);
  return `${restarts} (${ageOf(new Date(lastRestart).toISOString(), now)} ago)`;
}

function readinessGates(pod: any): string {
  const gates: any[] = pod?.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions: any[] = pod?.status?.conditions ?? [];
  const met = gates.filter(
    (g) => conditions.find((c) => c?.type === g?.conditionType)?.status === 'True',
  ).length;
  return `${met}/${gates.length}`;
}

/** Finished pods carry a Completed row condition, as upstream marks them. */
function podConditions(pod: any): RowCondition[] | undefined {
  if (pod?.status?.phase === 'Succeeded')
    return [
      {
        type: 'Completed',
        status: 'True',
        reason: 'Succeeded',
        message: 'The pod has completed successfully.',
      },
    ];
  if (pod?.status?.phase === 'Failed')
    return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
  return undefined;
}

export const podPrinter: TypePrinter = {
  columns: [
    nameColumn,
    column(
      'Ready',
      'string',
      'The aggregate readiness state of this pod for accepting traffic.',
      (o) => summarizePod(o).ready,
    ),
    column(
      'Status',
      'string',
      'The aggregate status of the containers in this pod.',
      (o) => summarizePod(o).status,
    ),
    column(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
      restartsCell,
    ),
    ageColumn,
    column(
      'IP',
      'string',
      'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      (o) => o.status?.podIPs?.[0]?.ip || o.status?.podIP || '<none>',
      { wide: true },
    ),
    column(
      'Node',
      'string',
      'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.',
      (o) => o.spec?.nodeName || '<none>',
      { wide: true },
    ),
    column(
      'Nominated Node',
      'string',
      'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.',
      (o) => o.status?.nominatedNodeName || '<none>',
      { wide: true },
    ),
    column(
      'Readiness Gates',
      'string',
      'If specified, all readiness gates will be evaluated for pod readiness.',
      readinessGates,
      { wide: true },
    ),
  ],
  conditions: podConditions,
};
