// Which pods "belong together" with a pod for default spreading (upstream helper.DefaultSelector):
// the selectors of the Services that select it, plus the selector of its controlling
// ReplicaSet or StatefulSet. Pods of one Deployment then spread over hosts and zones without
// asking for it.
import type { KubeObject, SharedIndexInformer } from '../../api/client/index.ts';
import { LabelMatcher, tryLabelSelectorAsMatcher } from '../../api/labels/index.ts';
import type { Pod, ReplicaSet, Service, StatefulSet } from '../../api/types/index.ts';

export interface SpreadSources {
  services: SharedIndexInformer<Service & KubeObject>;
  replicaSets: SharedIndexInformer<ReplicaSet & KubeObject>;
  statefulSets: SharedIndexInformer<StatefulSet & KubeObject>;
}

export function defaultSpreadSelector(pod: Pod, sources: SpreadSources): LabelMatcher {
  const ns = pod.metadata?.namespace ?? '';
  const labels = pod.metadata?.labels ?? {};
  const merged: Record<string, string> = {};
  for (const svc of sources.services.byIndex('namespace', ns)) {
    const sel = svc.spec?.selector;
    if (!sel || Object.keys(sel).length === 0) continue;
    if (Object.entries(sel).every(([k, v]) => labels[k] === v)) Object.assign(merged, sel);
  }
  let selector = LabelMatcher.fromSet(merged);
  const owner = pod.metadata?.ownerReferences?.find((r) => r.controller);
  if (owner?.apiVersion === 'apps/v1' && (owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet')) {
    const informer = owner.kind === 'ReplicaSet' ? sources.replicaSets : sources.statefulSets;
    const ownerObj = informer.get(`${ns}/${owner.name}`);
    const other = ownerObj ? tryLabelSelectorAsMatcher(ownerObj.spec?.selector) : undefined;
    if (other && !other.matchesNothing()) selector = selector.add(...other.requirements);
  }
  return selector;
}
