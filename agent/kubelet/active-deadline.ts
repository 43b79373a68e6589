// spec.activeDeadlineSeconds (upstream pkg/kubelet/active_deadline.go): counted from the pod's
// status.startTime; once passed, the kubelet kills the pod and reports it Failed.
import type { Pod } from '../../api/types/pod.ts';

export const DEADLINE_EXCEEDED = {
  reason: 'DeadlineExceeded',
  message: 'Pod was active on the node longer than the specified deadline',
} as const;

export function activeDeadlinePassed(
  pod: Pod,
  startTime: string,
  nowMs: number,
): { passed: boolean; remainingMs?: number } {
  const seconds = pod.spec?.activeDeadlineSeconds;
  if (seconds === undefined || seconds === null) return { passed: false };
  const remainingMs = Date.parse(startTime) + seconds * 1000 - nowMs;
  return { passed: remainingMs <= 0, remainingMs: Math.max(0, remainingMs) };
}
