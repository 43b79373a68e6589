// Deployment arithmetic and bookkeeping (upstream deployment/util): rollout budgets with
// upstream's percent rounding, revision annotations, template equality ignoring the hash label,
// conditions, and which ReplicaSet is new.
import { scaledValueFromIntOrPercent } from '../../api/intstr.ts';
import type { Deployment, DeploymentCondition, PodTemplateSpec, ReplicaSet } from '../../api/types/index.ts';
import type { Kube } from './controller.ts';
import { canonicalJson } from './hash.ts';

export type D = Kube<Deployment>;
export type RS = Kube<ReplicaSet>;

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
export const podTemplateHashLabel = 'pod-template-hash';
/** Upstream's DefaultDeploymentUniqueLabelKey. */
export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** Annotations the deployment does not copy onto its ReplicaSets (upstream skipCopyAnnotation). */
const notCopied = new Set([
  lastAppliedAnnotation,
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  'deprecated.deployment.rollback.to',
]);

export const replicas = (d: D) => d.spec?.replicas ?? 1;
export const isRolling = (d: D) => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
export const progressDeadlineSeconds = (d: D) => d.spec?.progressDeadlineSeconds ?? 600;
export const historyLimit = (d: D) => d.spec?.revisionHistoryLimit ?? 10;

/** [maxSurge, maxUnavailable] for `desired` pods; never both zero (upstream ResolveFenceposts). */
export function resolveFenceposts(d: D, desired = replicas(d)): [number, number] {
  const ru = d.spec?.strategy?.rollingUpdate;
  const surge = scaledValueFromIntOrPercent(ru?.maxSurge ?? '25%', desired, true);
  let unavailable = scaledValueFromIntOrPercent(ru?.maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export const maxSurge = (d: D) => (isRolling(d) ? resolveFenceposts(d)[0] : 0);

/** Pods that may be unavailable (upstream MaxUnavailable). */
export function maxUnavailable(d: D): number {
  if (!isRolling(d) || replicas(d) === 0) return 0;
  return Math.min(resolveFenceposts(d)[1], replicas(d));
}

export const rsReplicas = (rs: RS) => rs.spec?.replicas ?? 0;
export const sumSpec = (sets: RS[]) => sets.reduce((n, rs) => n + rsReplicas(rs), 0);
export const sumStatus = (sets: RS[], field: 'replicas' | 'readyReplicas' | 'availableReplicas') =>
  sets.reduce((n, rs) => n + ((rs.status?.[field] as number | undefined) ?? 0), 0);

export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } }): number {
  const v = Number(obj.metadata?.annotations?.[revisionAnnotation] ?? 0);
  return Number.isInteger(v) ? v : 0;
}

/** The template without the pod-template-hash label, for comparing (upstream EqualIgnoreHash). */
export function templateWithoutHash(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy = structuredClone(t ?? {}) as PodTemplateSpec;
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[podTemplateHashLabel];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  return copy;
}

export const equalIgnoreHash = (a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined) =>
  canonicalJson(templateWithoutHash(a)) === canonicalJson(templateWithoutHash(b));

const created = (rs: RS) => Date.parse(rs.metadata?.creationTimestamp ?? '') || 0;
export const byCreation = (a: RS, b: RS) =>
  created(a) - created(b) || ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1);

/** The ReplicaSet whose template is the deployment's (oldest if several), and the others. */
export function splitNewAndOld(d: D, sets: RS[]): { newRS: RS | undefined; oldRSs: RS[] } {
  const sorted = [...sets].sort(byCreation);
  const newRS = sorted.find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
  return { newRS, oldRSs: sorted.filter((rs) => rs !== newRS) };
}

export function annotationsToCopy(d: D): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) if (!notCopied.has(k)) out[k] = v;
  return out;
}

export const conditionOf = (d: D, type: string) => d.status?.conditions?.find((c) => c.type === type);

/**
 * Set a condition; the same status and reason changes nothing, a new reason with the same status
 * keeps lastTransitionTime (upstream SetDeploymentCondition).
 */
export function setCondition(
  conditions: DeploymentCondition[],
  cond: DeploymentCondition,
): DeploymentCondition[] {
  const current = conditions.find((c) => c.type === cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return conditions;
  if (current && current.status === cond.status)
    cond = { ...cond, lastTransitionTime: current.lastTransitionTime };
  return [...conditions.filter((c) => c.type !== cond.type), cond];
}

export function newCondition(
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  now: string,
): DeploymentCondition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/**
 * How many pods the new ReplicaSet should have now (upstream NewRSNewReplicas): everything for
 * Recreate; for RollingUpdate as many as the surge budget allows.
 */
export function newRSNewReplicas(d: D, allRSs: RS[], newRS: RS | undefined): number {
  const current = newRS ? rsReplicas(newRS) : 0;
  if (!isRolling(d)) return replicas(d);
  const surge = resolveFenceposts(d)[0];
  const podCount = sumSpec(allRSs);
  const maxTotal = replicas(d) + surge;
  if (podCount >= maxTotal) return current;
  const scaleUp = Math.min(maxTotal - podCount, replicas(d) - current);
  return current + Math.max(0, scaleUp);
}
