// PodTopologySpread: keep matching pods evenly spread over topology domains (hosts, zones).
// A DoNotSchedule constraint filters out nodes where placing the pod would make the domain's
// count exceed the emptiest domain's by more than maxSkew; ScheduleAnyway constraints score
// nodes in emptier domains higher. Pods without constraints of their own get the cluster
// defaults (like upstream 1.32's system defaults): spread over hosts (maxSkew 3) and zones
// (maxSkew 5), counting the pods of the same Service, ReplicaSet or StatefulSet.
import { LabelMatcher, newRequirement, tryLabelSelectorAsMatcher } from '../../../api/labels/index.ts';
import type { TopologySpreadConstraint } from '../../../api/types/index.ts';
import type { CycleState } from '../framework/cycle-state.ts';
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
import type { NodeInfo } from '../framework/node-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import { skip, unresolvable, unschedulable, type Status } from '../framework/status.ts';
import { podMatchesNodeSelectorAndAffinity } from './helpers/node-selector.ts';
import { findUntoleratedTaint } from './helpers/taints.ts';
import { PodTopologySpread as name } from './names.ts';

export const ErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
export const ErrReasonNodeLabelNotMatch = `${ErrReasonConstraintsNotMatch} (missing required label)`;

export const hostnameLabel = 'kubernetes.io/hostname';
export const zoneLabel = 'topology.kubernetes.io/zone';

/** Upstream's system default constraints (used when a pod has none). */
export const systemDefaultConstraints: Omit<TopologySpreadConstraint, 'labelSelector'>[] = [
  { topologyKey: hostnameLabel, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: zoneLabel, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

export interface PodTopologySpreadArgs {
  /** 'System' (default): the constraints above; 'List': defaultConstraints (may be empty). */
  defaultingType?: 'System' | 'List';
  defaultConstraints?: Omit<TopologySpreadConstraint, 'labelSelector'>[];
}

export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelMatcher;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorTaints: boolean;
}

const preFilterKey = `PreFilter${name}`;
const preScoreKey = `PreScore${name}`;

interface PreFilterState {
  constraints: Constraint[];
  /** Per constraint: topology value -> matching pods. Every eligible domain is present, maybe with 0. */
  counts: Map<string, number>[];
  /** Per constraint: the smallest count over eligible domains (0 while below minDomains). */
  minMatch: number[];
}

interface PreScoreState {
  constraints: Constraint[];
  ignoredNodes: Set<string>;
  /** Per constraint (hostname ones left empty: counted per node): value -> matching pods. */
  counts: Map<string, number>[];
  weights: number[];
}

export class PodTopologySpreadPlugin
  implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, PreFilterExtensions
{
  readonly name = name;
  private readonly defaults: Omit<TopologySpreadConstraint, 'labelSelector'>[];

  constructor(
    private readonly handle: Handle,
    args: PodTopologySpreadArgs = {},
  ) {
    this.defaults =
      (args.defaultingType ?? 'System') === 'System'
        ? systemDefaultConstraints
        : (args.defaultConstraints ?? []);
  }

  /** The pod's constraints of one kind, or the defaults if it has none at all. */
  constraints(pod: PodInfo, when: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
    const own = pod.pod.spec?.topologySpreadConstraints ?? [];
    if (own.length > 0)
      return own.filter((c) => c.whenUnsatisfiable === when).map((c) => toConstraint(c, pod));
    const defaults = this.defaults.filter((c) => c.whenUnsatisfiable === when);
    if (defaults.length === 0) return [];
    const selector = this.handle.defaultSpreadSelector(pod.pod);
    if (selector.empty() || selector.matchesNothing()) return [];
    return defaults.map((c) => ({ ...toConstraint(c, pod), selector }));
  }

  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | undefined {
    const constraints = this.constraints(pod, 'DoNotSchedule');
    if (constraints.length === 0) return skip();
    const counts = constraints.map(() => new Map<string, number>());
    for (const node of nodes) {
      if (!hasAllKeys(node, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!includesNode(c, pod, node)) return;
        const v = node.labels[c.topologyKey] as string;
        const m = counts[i]!;
        m.set(v, (m.get(v) ?? 0) + countMatching(node, c, pod.namespace));
      });
    }
    const s: PreFilterState = { constraints, counts, minMatch: [] };
    computeMinMatch(s);
    state.write(preFilterKey, s);
    return undefined;
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined {
    const s = state.read<PreFilterState>(preFilterKey);
    if (!s) return undefined;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      const v = node.labels[c.topologyKey];
      if (v === undefined) return unresolvable(ErrReasonNodeLabelNotMatch);
      const self = c.selector.matches(pod.labels) ? 1 : 0;
      const skew = (s.counts[i]!.get(v) ?? 0) + self - s.minMatch[i]!;
      if (skew > c.maxSkew) return unschedulable(ErrReasonConstraintsNotMatch);
    }
    return undefined;
  }

  addPod(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void {
    this.update(state, pod, added, node, 1);
  }

  removePod(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void {
    this.update(state, pod, removed, node, -1);
  }

  private update(state: CycleState, pod: PodInfo, changed: PodInfo, node: NodeInfo, by: 1 | -1): void {
    const old = state.read<PreFilterState>(preFilterKey);
    if (!old || changed.namespace !== pod.namespace || !hasAllKeys(node, old.constraints)) return;
    // Preemption works on a cloned CycleState: copy before changing.
    const s: PreFilterState = {
      constraints: old.constraints,
      counts: old.counts.map((m) => new Map(m)),
      minMatch: [],
    };
    s.constraints.forEach((c, i) => {
      if (!includesNode(c, pod, node) || !c.selector.matches(changed.labels)) return;
      const v = node.labels[c.topologyKey] as string;
      s.counts[i]!.set(v, (s.counts[i]!.get(v) ?? 0) + by);
    });
    computeMinMatch(s);
    state.write(preFilterKey, s);
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | undefined {
    const constraints = this.constraints(pod, 'ScheduleAnyway');
    if (constraints.length === 0) return skip();
    const ignoredNodes = new Set<string>();
    const counts = constraints.map(() => new Map<string, number>());
    const domains = constraints.map(() => new Set<string>());
    for (const node of nodes) {
      if (!hasAllKeys(node, constraints)) {
        ignoredNodes.add(node.name);
        continue;
      }
      constraints.forEach((c, i) => {
        const v = node.labels[c.topologyKey] as string;
        domains[i]!.add(v);
        if (c.topologyKey !== hostnameLabel) counts[i]!.set(v, 0);
      });
    }
    // Counts come from every node in those domains, feasible or not.
    if (constraints.some((c) => c.topologyKey !== hostnameLabel)) {
      for (const node of this.handle.nodes()) {
        if (!hasAllKeys(node, constraints)) continue;
        constraints.forEach((c, i) => {
          if (c.topologyKey === hostnameLabel || !includesNode(c, pod, node)) return;
          const v = node.labels[c.topologyKey] as string;
          const m = counts[i]!;
          const n = m.get(v);
          if (n !== undefined) m.set(v, n + countMatching(node, c, pod.namespace));
        });
      }
    }
    const weights = domains.map((d) => Math.log(d.size + 2));
    state.write(preScoreKey, { constraints, ignoredNodes, counts, weights } satisfies PreScoreState);
    return undefined;
  }

  score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
    const s = state.read<PreScoreState>(preScoreKey);
    if (!s || s.ignoredNodes.has(node.name)) return 0;
    let score = 0;
    s.constraints.forEach((c, i) => {
      const v = node.labels[c.topologyKey];
      if (v === undefined) return;
      const count =
        c.topologyKey === hostnameLabel ? countMatching(node, c, pod.namespace) : (s.counts[i]!.get(v) ?? 0);
      score += count * s.weights[i]! + (c.maxSkew - 1);
    });
    return Math.round(score);
  }

  normalizeScore(state: CycleState, _pod: PodInfo, scores: NodeScore[]): Status | undefined {
    const s = state.read<PreScoreState>(preScoreKey);
    if (!s) return undefined;
    let min = Infinity;
    let max = -Infinity;
    for (const x of scores) {
      if (s.ignoredNodes.has(x.name)) continue;
      min = Math.min(min, x.score);
      max = Math.max(max, x.score);
    }
    for (const x of scores) {
      if (s.ignoredNodes.has(x.name)) x.score = 0;
      else if (max === 0) x.score = maxNodeScore;
      else x.score = Math.trunc((maxNodeScore * (max + min - x.score)) / max);
    }
    return undefined;
  }

  events(): ClusterEvent[] {
    return [
      'AssignedPod/Add',
      'AssignedPod/Update',
      'AssignedPod/Delete',
      'Node/Add',
      'Node/Update',
      'Node/Delete',
    ];
  }
}

function toConstraint(
  c: Omit<TopologySpreadConstraint, 'labelSelector'> & {
    labelSelector?: TopologySpreadConstraint['labelSelector'];
  },
  pod: PodInfo,
): Constraint {
  let selector = c.labelSelector
    ? (tryLabelSelectorAsMatcher(c.labelSelector) ?? LabelMatcher.nothing())
    : LabelMatcher.nothing();
  // matchLabelKeys: only pods with the same values of these labels (e.g. pod-template-hash) count.
  for (const key of c.matchLabelKeys ?? []) {
    const value = pod.labels[key];
    if (value !== undefined && !selector.matchesNothing())
      selector = selector.add(newRequirement(key, 'in', [value]));
  }
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    selector,
    minDomains: c.minDomains ?? 1,
    honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
  };
}

const hasAllKeys = (node: NodeInfo, constraints: readonly Constraint[]) =>
  constraints.every((c) => node.labels[c.topologyKey] !== undefined);

/** Does the node count as part of the constraint's domains (node inclusion policies)? */
function includesNode(c: Constraint, pod: PodInfo, node: NodeInfo): boolean {
  if (c.honorNodeAffinity && !podMatchesNodeSelectorAndAffinity(pod.pod, node.node)) return false;
  if (
    c.honorTaints &&
    findUntoleratedTaint(node.taints, pod.pod.spec?.tolerations ?? [], ['NoSchedule', 'NoExecute'])
  )
    return false;
  return true;
}

/** Pods on the node in the namespace that the selector matches, leaving out terminating ones. */
function countMatching(node: NodeInfo, c: Constraint, namespace: string): number {
  let n = 0;
  for (const p of node.pods.values()) {
    if (p.namespace === namespace && !p.pod.metadata?.deletionTimestamp && c.selector.matches(p.labels)) n++;
  }
  return n;
}

function computeMinMatch(s: PreFilterState): void {
  s.minMatch = s.constraints.map((c, i) => {
    const m = s.counts[i]!;
    if (m.size < c.minDomains) return 0;
    let min = Infinity;
    for (const n of m.values()) min = Math.min(min, n);
    return min === Infinity ? 0 : min;
  });
}
