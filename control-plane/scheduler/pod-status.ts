// What the scheduler writes on a pod it could not place: PodScheduled=False with the reason and
// message `kubectl describe` shows, and the node preemption nominated. Written only when
// something changed, as a strategic merge patch of the status (conditions merge by type).
import type { Pod, PodCondition } from '../../api/types/index.ts';
import { rfc3339 } from '../controllers/pod-utils.ts';

export const reasonUnschedulable = 'Unschedulable';
export const reasonSchedulerError = 'SchedulerError';

/**
 * The status patch, or undefined when the pod already says exactly this. `nominatedNodeName`:
 * undefined leaves it alone, '' clears it.
 */
export function unschedulableStatusPatch(
  pod: Pod,
  reason: string,
  message: string,
  nominatedNodeName: string | undefined,
  nowMs: number,
): Record<string, unknown> | undefined {
  const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const sameCondition =
    current?.status === 'False' && current.reason === reason && current.message === message;
  const currentNominated = pod.status?.nominatedNodeName ?? '';
  const sameNomination = nominatedNodeName === undefined || nominatedNodeName === currentNominated;
  if (sameCondition && sameNomination) return undefined;
  const condition: PodCondition = {
    type: 'PodScheduled',
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime:
      current?.status === 'False' && current.lastTransitionTime ? current.lastTransitionTime : rfc3339(nowMs),
    reason,
    message,
  };
  const status: Record<string, unknown> = { conditions: [condition] };
  if (!sameNomination) status.nominatedNodeName = nominatedNodeName || null;
  return { status };
}
