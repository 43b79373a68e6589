// A pod (anti-)affinity term with its selectors parsed once (upstream framework.AffinityTerm):
// "pods in these namespaces, matching this selector, in the same topology domain".
import { LabelMatcher, tryLabelSelectorAsMatcher } from '../../../api/labels/index.ts';
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from '../../../api/types/index.ts';

export interface AffinityTerm {
  namespaces: ReadonlySet<string>;
  selector: LabelMatcher;
  topologyKey: string;
  /** Matches nothing unless the term had a namespaceSelector. */
  namespaceSelector: LabelMatcher;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** Namespace labels by name, for namespaceSelector (absent: the namespace is unknown). */
export type NamespaceLabels = (namespace: string) => Record<string, string> | undefined;

export function affinityTerm(pod: Pod, term: PodAffinityTerm): AffinityTerm {
  const namespaces = new Set(term.namespaces ?? []);
  // No namespaces and no namespaceSelector means "the pod's own namespace".
  if (namespaces.size === 0 && !term.namespaceSelector) namespaces.add(pod.metadata?.namespace ?? '');
  return {
    namespaces,
    selector: tryLabelSelectorAsMatcher(term.labelSelector) ?? LabelMatcher.nothing(),
    topologyKey: term.topologyKey,
    namespaceSelector: term.namespaceSelector
      ? (tryLabelSelectorAsMatcher(term.namespaceSelector) ?? LabelMatcher.nothing())
      : LabelMatcher.nothing(),
  };
}

export const weightedAffinityTerm = (pod: Pod, t: WeightedPodAffinityTerm): WeightedAffinityTerm => ({
  ...affinityTerm(pod, t.podAffinityTerm),
  weight: t.weight,
});

/** Does `pod` (an existing pod) fall under the term? */
export function termMatches(term: AffinityTerm, pod: Pod, namespaceLabels: NamespaceLabels): boolean {
  const ns = pod.metadata?.namespace ?? '';
  if (!term.namespaces.has(ns)) {
    if (term.namespaceSelector.matchesNothing()) return false;
    if (!term.namespaceSelector.matches(namespaceLabels(ns) ?? {})) return false;
  }
  return term.selector.matches(pod.metadata?.labels);
}
