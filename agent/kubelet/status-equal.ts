// Whether a freshly computed pod status says anything new. Condition times are rewritten on
// every pass and absent/null/undefined fields mean the same, so neither counts: the kubelet
// then writes pods/status only when something a user could see has changed.
import type { Pod, PodStatus } from '../../api/types/pod.ts';

export function sameStatus(a: PodStatus, b: PodStatus): boolean {
  const strip = (s: PodStatus) => ({
    ...s,
    conditions: s.conditions?.map(({ lastTransitionTime: _t, lastProbeTime: _p, ...c }) => c),
  });
  return JSON.stringify(normalize(strip(a))) === JSON.stringify(normalize(strip(b)));
}

/**
 * Whether a pod update is only the status this kubelet last wrote coming back through the watch
 * (its resourceVersion and managedFields move too): nothing the pod's worker has to act on.
 */
export function onlyOwnStatusChanged(old: Pod, updated: Pod, ownStatus: PodStatus | undefined): boolean {
  if (!ownStatus || !sameStatus(updated.status ?? {}, ownStatus)) return false;
  const rest = (p: Pod) => {
    const { resourceVersion: _rv, managedFields: _mf, ...metadata } = p.metadata ?? {};
    return JSON.stringify({ metadata, spec: p.spec });
  };
  return rest(old) === rest(updated);
}

function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined && x !== null)
        .sort(([x], [y]) => (x < y ? -1 : 1))
        .map(([k, x]) => [k, normalize(x)]),
    );
  return v;
}
