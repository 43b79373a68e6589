// What kubectl shows in a pod's STATUS, READY and RESTARTS columns.
import type { Pod } from '../../api/types/index.ts';

export function podStatus(pod: Pod): string {
  if (pod.metadata?.deletionTimestamp) return 'Terminating';
  const statuses = pod.status?.containerStatuses ?? [];
  for (const s of statuses) {
    const waiting = s.state?.waiting?.reason;
    if (waiting && waiting !== 'ContainerCreating') return waiting;
    const terminated = s.state?.terminated?.reason;
    if (terminated && pod.status?.phase === 'Running') return terminated;
  }
  if (pod.status?.reason) return pod.status.reason;
  if (statuses.some((s) => s.state?.waiting?.reason === 'ContainerCreating')) return 'ContainerCreating';
  return pod.status?.phase ?? 'Pending';
}

export function podReady(pod: Pod): string {
  const total = pod.spec?.containers?.length ?? 0;
  const ready = (pod.status?.containerStatuses ?? []).filter((s) => s.ready).length;
  return `${ready}/${total}`;
}

export function podRestarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, s) => n + (s.restartCount ?? 0), 0);
}

/** Colour class for a status: ok, warn, bad or idle. */
export function statusTone(status: string): 'ok' | 'warn' | 'bad' | 'idle' {
  if (status === 'Running' || status === 'Succeeded' || status === 'Ready' || status === 'Completed')
    return 'ok';
  if (status === 'Pending' || status === 'ContainerCreating' || status === 'Terminating') return 'warn';
  if (/Err|BackOff|Failed|NotReady|Unknown|OOM|Evicted/.test(status)) return 'bad';
  return 'idle';
}
