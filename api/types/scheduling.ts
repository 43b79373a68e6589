// core/v1 scheduling constraints of a pod: node and pod (anti-)affinity, tolerations and
// topology spread.
import type { LabelSelector } from './meta.ts';

export type NodeSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

export interface NodeSelectorRequirement {
  /** Label (or field) key the selector applies to. */
  key: string;
  /** In, NotIn, Exists, DoesNotExist, Gt or Lt. */
  operator: NodeSelectorOperator;
  /** Values; one integer for Gt and Lt, none for Exists and DoesNotExist. */
  values?: string[];
}

export interface NodeSelectorTerm {
  /** Requirements on node labels, ANDed. */
  matchExpressions?: NodeSelectorRequirement[];
  /** Requirements on node fields (only metadata.name), ANDed. */
  matchFields?: NodeSelectorRequirement[];
}

export interface NodeSelector {
  /** Terms, ORed. */
  nodeSelectorTerms: NodeSelectorTerm[];
}

export interface PreferredSchedulingTerm {
  /** Weight in the range 1-100. */
  weight: number;
  /** The node selector term. */
  preference: NodeSelectorTerm;
}

export interface NodeAffinity {
  /** Rules that must hold at scheduling time. */
  requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
  /** Rules the scheduler prefers, by weight. */
  preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
}

export interface PodAffinityTerm {
  /** Pods to be (or not be) co-located with. */
  labelSelector?: LabelSelector;
  /** Namespaces the labelSelector applies to; the pod's namespace when empty. */
  namespaces?: string[];
  /** Node label whose equal values define "co-located", e.g. kubernetes.io/hostname. */
  topologyKey: string;
  /** Namespaces selected by label, added to namespaces. */
  namespaceSelector?: LabelSelector;
  /** Pod label keys whose values are merged into labelSelector as In requirements. */
  matchLabelKeys?: string[];
  /** Pod label keys whose values are merged into labelSelector as NotIn requirements. */
  mismatchLabelKeys?: string[];
}

export interface WeightedPodAffinityTerm {
  /** Weight in the range 1-100. */
  weight: number;
  /** The affinity term. */
  podAffinityTerm: PodAffinityTerm;
}

export interface PodAffinity {
  /** Terms that must hold at scheduling time. */
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
  /** Terms the scheduler prefers, by weight. */
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
}

export type PodAntiAffinity = PodAffinity;

export interface Affinity {
  /** Node affinity rules. */
  nodeAffinity?: NodeAffinity;
  /** Co-locate with pods matching these terms. */
  podAffinity?: PodAffinity;
  /** Keep away from pods matching these terms. */
  podAntiAffinity?: PodAntiAffinity;
}

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Toleration {
  /** Taint key the toleration applies to; empty with Exists matches all taints. */
  key?: string;
  /** Exists or Equal; defaults to Equal. */
  operator?: 'Exists' | 'Equal';
  /** Taint value to match, for Equal. */
  value?: string;
  /** Effect to match; empty matches all effects. */
  effect?: TaintEffect | '';
  /**
   * For NoExecute: how long the pod stays bound after the taint appears.
   * @format int64
   */
  tolerationSeconds?: number;
}

export interface TopologySpreadConstraint {
  /** Maximum allowed difference in matching pods between topology domains. */
  maxSkew: number;
  /** Node label key that defines the domains. */
  topologyKey: string;
  /** DoNotSchedule or ScheduleAnyway. */
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  /** Pods counted when spreading. */
  labelSelector?: LabelSelector;
  /** Minimum number of eligible domains (DoNotSchedule only). */
  minDomains?: number;
  /** Honor or Ignore the pod's node affinity when counting domains; defaults to Honor. */
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  /** Honor or Ignore node taints when counting domains; defaults to Ignore. */
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
  /** Pod label keys whose values are added to labelSelector. */
  matchLabelKeys?: string[];
}
