// The events a kubelet records about a pod's containers, from the status before and after a
// simulated transition, so `kubectl describe pod` reads like a real node's: Pulled, Created and
// Started when a container starts, BackOff while it crash-loops, Killing when the pod goes.
// Messages are the 1.32 kubelet's.
import type { ContainerStatus, Pod, PodStatus } from '../../api/types/index.ts';

export interface PodEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

const statuses = (s: PodStatus | undefined) => [
  ...(s?.initContainerStatuses ?? []),
  ...(s?.containerStatuses ?? []),
];

const started = (s: ContainerStatus | undefined) => s?.state?.running !== undefined;

export function containerEvents(pod: Pod, before: PodStatus | undefined, after: PodStatus): PodEvent[] {
  const out: PodEvent[] = [];
  const old = new Map(statuses(before).map((s) => [s.name, s]));
  for (const s of statuses(after)) {
    const prev = old.get(s.name);
    const restarted = (prev?.restartCount ?? 0) < s.restartCount;
    if (started(s) && (!started(prev) || restarted)) {
      if (s.restartCount === 0)
        out.push({
          type: 'Normal',
          reason: 'Pulled',
          message: `Container image "${s.image}" already present on machine`,
        });
      out.push({ type: 'Normal', reason: 'Created', message: `Created container: ${s.name}` });
      out.push({ type: 'Normal', reason: 'Started', message: `Started container ${s.name}` });
    }
    if (
      s.state?.waiting?.reason === 'CrashLoopBackOff' &&
      prev?.state?.waiting?.reason !== 'CrashLoopBackOff'
    ) {
      const m = pod.metadata;
      out.push({
        type: 'Warning',
        reason: 'BackOff',
        message: `Back-off restarting failed container ${s.name} in pod ${m?.name}_${m?.namespace}(${m?.uid})`,
      });
    }
  }
  return out;
}

/** What the kubelet says when it stops a deleted pod's running containers. */
export function killingEvents(pod: Pod): PodEvent[] {
  return statuses(pod.status)
    .filter(started)
    .map((s) => ({ type: 'Normal' as const, reason: 'Killing', message: `Stopping container ${s.name}` }));
}
