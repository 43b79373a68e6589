// InterPodAffinity: required pod affinity ("run in the same zone as a cache pod"), required
// anti-affinity ("never two web pods on one host"), including the anti-affinity of pods
// already running, which can refuse a newcomer; preferred terms (and existing pods' terms that
// match the newcomer) move scores up or down per topology domain.
//
// preFilter counts, per topology pair (`zone=a`), the existing pods that matter; filter then
// only looks up the node's pairs. addPod/removePod keep the counts right while preemption
// tries removing pods.
import type {
  ClusterEvent,
  FilterPlugin,
  Handle,
  NodeScore,
  PreFilterExtensions,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from '../framework/interfaces.ts';
import { maxNodeScore } from '../framework/interfaces.ts';
import type { CycleState } from '../framework/cycle-state.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import { hasAffinity, type PodInfo } from '../framework/pod-info.ts';
import { termMatches, type AffinityTerm, type WeightedAffinityTerm } from '../framework/affinity-term.ts';
import { skip, unresolvable, unschedulable, type Status } from '../framework/status.ts';
import { InterPodAffinity as name } from './names.ts';

export const ErrReasonExistingAntiAffinityRulesNotMatch =
  "node(s) didn't satisfy existing pods anti-affinity rules";
export const ErrReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
export const ErrReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";

export interface InterPodAffinityArgs {
  /** Score weight of an existing pod's required affinity term that the incoming pod matches. */
  hardPodAffinityWeight?: number;
}

const preFilterKey = `PreFilter${name}`;
const preScoreKey = `PreScore${name}`;

/** `key\0value` -> count */
type PairCounts = Map<string, number>;
const pair = (key: string, value: string) => `${key}\0${value}`;

interface PreFilterState {
  /** Pairs where an existing pod's required anti-affinity term matches the incoming pod. */
  existingAntiAffinityCounts: PairCounts;
  /** Pairs with existing pods matching all of the incoming pod's required affinity terms. */
  affinityCounts: PairCounts;
  /** Pairs with existing pods matching one of the incoming pod's anti-affinity terms. */
  antiAffinityCounts: PairCounts;
}

function bump(counts: PairCounts, key: string, value: string, by: number): void {
  const k = pair(key, value);
  const n = (counts.get(k) ?? 0) + by;
  if (n === 0) counts.delete(k);
  else counts.set(k, n);
}

export class InterPodAffinityPlugin
  implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, PreFilterExtensions
{
  readonly name = name;
  private readonly hardPodAffinityWeight: number;

  constructor(
    private readonly handle: Handle,
    args: InterPodAffinityArgs = {},
  ) {
    this.hardPodAffinityWeight = args.hardPodAffinityWeight ?? 1;
    if (this.hardPodAffinityWeight < 0 || this.hardPodAffinityWeight > 100)
      throw new Error('InterPodAffinity: hardPodAffinityWeight must be 0..100');
  }

  private matches(term: AffinityTerm, pod: PodInfo): boolean {
    return termMatches(term, pod.pod, this.handle.namespaceLabels);
  }

  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | undefined {
    const hasTerms = pod.requiredAffinityTerms.length > 0 || pod.requiredAntiAffinityTerms.length > 0;
    const anyExistingAnti = nodes.some((n) => n.podsWithRequiredAntiAffinity > 0);
    if (!hasTerms && !anyExistingAnti) return skip();
    const s: PreFilterState = {
      existingAntiAffinityCounts: new Map(),
      affinityCounts: new Map(),
      antiAffinityCounts: new Map(),
    };
    for (const node of nodes) {
      if (!hasTerms && node.podsWithRequiredAntiAffinity === 0) continue;
      for (const existing of node.pods.values()) this.count(s, pod, existing, node, 1);
    }
    state.write(preFilterKey, s);
    return undefined;
  }

  private count(s: PreFilterState, pod: PodInfo, existing: PodInfo, node: NodeInfo, by: 1 | -1): void {
    const labels = node.labels;
    for (const t of existing.requiredAntiAffinityTerms) {
      const v = labels[t.topologyKey];
      if (v !== undefined && this.matches(t, pod)) bump(s.existingAntiAffinityCounts, t.topologyKey, v, by);
    }
    if (
      pod.requiredAffinityTerms.length > 0 &&
      pod.requiredAffinityTerms.every((t) => this.matches(t, existing))
    ) {
      for (const t of pod.requiredAffinityTerms) {
        const v = labels[t.topologyKey];
        if (v !== undefined) bump(s.affinityCounts, t.topologyKey, v, by);
      }
    }
    for (const t of pod.requiredAntiAffinityTerms) {
      const v = labels[t.topologyKey];
      if (v !== undefined && this.matches(t, existing)) bump(s.antiAffinityCounts, t.topologyKey, v, by);
    }
  }

  addPod(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void {
    const s = this.writableState(state);
    if (s) this.count(s, pod, added, node, 1);
  }

  removePod(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void {
    const s = this.writableState(state);
    if (s) this.count(s, pod, removed, node, -1);
  }

  /** Preemption works on a cloned CycleState: copy the counts before changing them. */
  private writableState(state: CycleState): PreFilterState | undefined {
    const s = state.read<PreFilterState>(preFilterKey);
    if (!s) return undefined;
    const copy: PreFilterState = {
      existingAntiAffinityCounts: new Map(s.existingAntiAffinityCounts),
      affinityCounts: new Map(s.affinityCounts),
      antiAffinityCounts: new Map(s.antiAffinityCounts),
    };
    state.write(preFilterKey, copy);
    return copy;
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined {
    const s = state.read<PreFilterState>(preFilterKey);
    if (!s) return undefined;
    if (!this.satisfiesAffinity(s, pod, node)) return unresolvable(ErrReasonAffinityRulesNotMatch);
    if (s.antiAffinityCounts.size > 0) {
      for (const t of pod.requiredAntiAffinityTerms) {
        const v = node.labels[t.topologyKey];
        if (v !== undefined && (s.antiAffinityCounts.get(pair(t.topologyKey, v)) ?? 0) > 0)
          return unschedulable(ErrReasonAntiAffinityRulesNotMatch);
      }
    }
    if (s.existingAntiAffinityCounts.size > 0) {
      for (const [k, v] of Object.entries(node.labels)) {
        if ((s.existingAntiAffinityCounts.get(pair(k, v)) ?? 0) > 0)
          return unschedulable(ErrReasonExistingAntiAffinityRulesNotMatch);
      }
    }
    return undefined;
  }

  private satisfiesAffinity(s: PreFilterState, pod: PodInfo, node: NodeInfo): boolean {
    let podsExist = true;
    for (const t of pod.requiredAffinityTerms) {
      const v = node.labels[t.topologyKey];
      if (v === undefined) return false; // every topology label must exist on the node
      if ((s.affinityCounts.get(pair(t.topologyKey, v)) ?? 0) <= 0) podsExist = false;
    }
    if (podsExist) return true;
    // The first pod of a group with affinity to itself: nothing matches anywhere yet, so let it
    // start the group rather than wait forever.
    return s.affinityCounts.size === 0 && pod.requiredAffinityTerms.every((t) => this.matches(t, pod));
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | undefined {
    const hasPreferred = pod.preferredAffinityTerms.length > 0 || pod.preferredAntiAffinityTerms.length > 0;
    // Unless the pod has preferences of its own, only nodes hosting pods with affinity matter.
    const all = this.handle.nodes();
    const relevant = hasPreferred ? all : all.filter((n) => n.podsWithAffinity > 0);
    if (nodes.length === 0 || relevant.length === 0) return skip();
    const scores = new Map<string, Map<string, number>>();
    const add = (
      terms: readonly WeightedAffinityTerm[] | readonly AffinityTerm[],
      target: PodInfo,
      node: NodeInfo,
      sign: number,
      fixed?: number,
    ) => {
      for (const t of terms) {
        const v = node.labels[t.topologyKey];
        if (v === undefined || !this.matches(t, target)) continue;
        const weight = fixed ?? (t as WeightedAffinityTerm).weight;
        let byValue = scores.get(t.topologyKey);
        if (!byValue) scores.set(t.topologyKey, (byValue = new Map()));
        byValue.set(v, (byValue.get(v) ?? 0) + sign * weight);
      }
    };
    for (const node of relevant) {
      for (const existing of node.pods.values()) {
        if (!hasPreferred && !hasAffinity(existing)) continue;
        add(pod.preferredAffinityTerms, existing, node, 1);
        add(pod.preferredAntiAffinityTerms, existing, node, -1);
        if (this.hardPodAffinityWeight > 0)
          add(existing.requiredAffinityTerms, pod, node, 1, this.hardPodAffinityWeight);
        add(existing.preferredAffinityTerms, pod, node, 1);
        add(existing.preferredAntiAffinityTerms, pod, node, -1);
      }
    }
    state.write(preScoreKey, scores);
    return undefined;
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    const scores = state.read<Map<string, Map<string, number>>>(preScoreKey);
    if (!scores) return 0;
    let total = 0;
    for (const [key, byValue] of scores) {
      const v = node.labels[key];
      if (v !== undefined) total += byValue.get(v) ?? 0;
    }
    return total;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, scores: NodeScore[]): Status | undefined {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      min = Math.min(min, s.score);
      max = Math.max(max, s.score);
    }
    const diff = max - min;
    for (const s of scores) s.score = diff > 0 ? Math.trunc((maxNodeScore * (s.score - min)) / diff) : 0;
    return undefined;
  }

  events(): ClusterEvent[] {
    return [
      'AssignedPod/Add',
      'AssignedPod/Update',
      'AssignedPod/Delete',
      'Node/Add',
      'Node/Update',
      'Namespace/Update',
    ];
  }
}
