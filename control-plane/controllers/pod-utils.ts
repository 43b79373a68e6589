// Pod facts every workload controller needs (upstream podutil and controller_utils): activity,
// readiness, availability after minReadySeconds, creating pods from a template, and the order
// in which surplus pods are deleted.
import type { KubeObject, OwnerReference } from '../../api/client/index.ts';
import type { Pod, PodTemplateSpec } from '../../api/types/index.ts';

export const isPodTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** Neither finished nor being deleted (upstream IsPodActive). */
export const isPodActive = (p: Pod) => !isPodTerminal(p) && !p.metadata?.deletionTimestamp;

export const podReadyCondition = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready');

export const isPodReady = (p: Pod) => podReadyCondition(p)?.status === 'True';

/** Ready for at least minReadySeconds at `nowMs` (upstream IsPodAvailable). */
export function isPodAvailable(p: Pod, minReadySeconds: number, nowMs: number): boolean {
  const ready = podReadyCondition(p);
  if (ready?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = Date.parse(ready.lastTransitionTime ?? '');
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= nowMs;
}

/** Ms until a ready pod becomes available, or undefined if it is not ready (or already available). */
export function msUntilAvailable(p: Pod, minReadySeconds: number, nowMs: number): number | undefined {
  const ready = podReadyCondition(p);
  if (ready?.status !== 'True' || !minReadySeconds) return undefined;
  const since = Date.parse(ready.lastTransitionTime ?? '');
  if (!Number.isFinite(since)) return undefined;
  const left = since + minReadySeconds * 1000 - nowMs;
  return left > 0 ? left : undefined;
}

export interface PodFromTemplateOptions {
  template: PodTemplateSpec | undefined;
  namespace: string;
  ownerRef: OwnerReference;
  /** `<owner>-`: the server appends a random suffix. */
  generateName?: string;
  name?: string;
  extraLabels?: Record<string, string>;
  extraAnnotations?: Record<string, string>;
}

/** A new pod from a template (upstream GetPodFromTemplate); the template is copied, never shared. */
export function podFromTemplate(o: PodFromTemplateOptions): Pod & KubeObject {
  const t = structuredClone(o.template ?? {}) as PodTemplateSpec;
  const meta = t.metadata ?? {};
  const pod: Pod & KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(o.name ? { name: o.name } : { generateName: o.generateName }),
      namespace: o.namespace,
      labels: { ...meta.labels, ...o.extraLabels },
      annotations: { ...meta.annotations, ...o.extraAnnotations },
      ownerReferences: [o.ownerRef],
      ...(meta.finalizers ? { finalizers: meta.finalizers } : {}),
    },
    spec: t.spec as Pod['spec'],
  };
  if (Object.keys(pod.metadata!.annotations!).length === 0) delete pod.metadata!.annotations;
  return pod;
}

const phaseRank = (p: Pod) => (p.status?.phase === 'Pending' ? 0 : p.status?.phase === 'Unknown' ? 1 : 2);
const created = (o: { metadata?: { creationTimestamp?: string | null } }) =>
  Date.parse(o.metadata?.creationTimestamp ?? '') || 0;
const restarts = (p: Pod) =>
  Math.max(
    0,
    ...(p.status?.containerStatuses ?? []).map((c) => (c as { restartCount?: number }).restartCount ?? 0),
  );
const readySince = (p: Pod) => Date.parse(podReadyCondition(p)?.lastTransitionTime ?? '') || 0;

/**
 * Orders pods so the ones best deleted first come first (upstream ActivePods ordering):
 * unscheduled before scheduled, Pending before Unknown before Running, not ready before ready,
 * ready for less time first, more restarts first, newest first.
 */
export function compareForDeletion(a: Pod, b: Pod): number {
  const an = a.spec?.nodeName ? 1 : 0;
  const bn = b.spec?.nodeName ? 1 : 0;
  if (an !== bn) return an - bn;
  if (phaseRank(a) !== phaseRank(b)) return phaseRank(a) - phaseRank(b);
  const ar = isPodReady(a) ? 1 : 0;
  const br = isPodReady(b) ? 1 : 0;
  if (ar !== br) return ar - br;
  if (ar && br && readySince(a) !== readySince(b)) return readySince(b) - readySince(a);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  if (created(a) !== created(b)) return created(b) - created(a);
  return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
}

/** `pod=ns/name`-style reference for logs. */
export const refOf = (o: KubeObject) =>
  `${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;

/** RFC 3339 seconds, as Kubernetes stores `Time`. */
export const rfc3339 = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
