// The typed extension points of the scheduling framework (upstream pkg/scheduler/framework
// interface.go). A plugin implements any subset; the profile says which plugin runs where.
//
//   preFilter -> filter (per node) -> [postFilter if no node fits] -> preScore -> score (per
//   node) -> normalizeScore -> [the cache assumes the pod] -> bind (asynchronously)
//
// Everything up to the assume runs synchronously, so the cache is the snapshot: nothing can
// change under a scheduling cycle.
import type { Client, Clock } from '../../../api/client/index.ts';
import type { LabelMatcher } from '../../../api/labels/index.ts';
import type { Pod } from '../../../api/types/index.ts';
import type { NamespaceLabels } from './affinity-term.ts';
import type { CycleState } from './cycle-state.ts';
import type { NodeInfo } from './node-info.ts';
import type { PodInfo } from './pod-info.ts';
import type { Status } from './status.ts';

export interface Plugin {
  readonly name: string;
}

/** Only these nodes can possibly fit (e.g. a DaemonSet pod pinned to one node). */
export interface PreFilterResult {
  nodeNames: ReadonlySet<string>;
}

export interface PreFilterPlugin extends Plugin {
  /** Precompute for filter. Return a Status to reject the pod outright (or Skip), a PreFilterResult to narrow the nodes. */
  preFilter(
    state: CycleState,
    pod: PodInfo,
    nodes: readonly NodeInfo[],
  ): Status | PreFilterResult | undefined;
}

export interface FilterPlugin extends Plugin {
  /** Can the pod run on this node? undefined: yes. */
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined;
}

/** Why each node was rejected (nodes missing from the map were not looked at). */
export type NodeToStatus = Map<string, Status>;

export interface PostFilterResult {
  /** The node the pod may use once victims are gone ('' clears a previous nomination). */
  nominatedNodeName?: string;
}

export interface PostFilterPlugin extends Plugin {
  /** No node fits: try to make one fit (preemption). Success means a node was nominated. */
  postFilter(
    state: CycleState,
    pod: PodInfo,
    statuses: NodeToStatus,
  ): { result?: PostFilterResult; status: Status | undefined };
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | undefined;
}

export const maxNodeScore = 100;

export interface NodeScore {
  name: string;
  score: number;
}

export interface ScorePlugin extends Plugin {
  /** 0..maxNodeScore, unless normalizeScore maps it there. */
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number | Status;
  normalizeScore?(state: CycleState, pod: PodInfo, scores: NodeScore[]): Status | undefined;
}

export interface BindPlugin extends Plugin {
  /** Skip: not mine, let the next binder try. */
  bind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status | undefined>;
}

/**
 * Cluster changes that can make a pod a plugin rejected schedulable again, as `Resource/Action`:
 * `Node/Add`, `Node/Update`, `AssignedPod/Delete`, `Namespace/Update`, ... (upstream
 * EnqueueExtensions). The queue moves a pod out of the unschedulable pool only on events that
 * one of the plugins that rejected it registered for.
 */
export type ClusterEvent =
  `${'Node' | 'AssignedPod' | 'UnassignedPod' | 'Namespace' | 'Service'}/${'Add' | 'Update' | 'Delete'}`;

export interface EnqueueExtensions {
  events(): ClusterEvent[];
}

/** What plugins may read and do beyond their arguments (upstream framework.Handle). */
export interface Handle {
  clock: Clock;
  /** The API (absent in unit tests that never bind). */
  client?: Client;
  /** Every node, in a stable order. */
  nodes(): readonly NodeInfo[];
  node(name: string): NodeInfo | undefined;
  namespaceLabels: NamespaceLabels;
  /**
   * Pods that "belong together" with this one for default spreading: the selectors of the
   * Services, ReplicaSets and StatefulSets that select it (upstream DefaultSelector).
   */
  defaultSpreadSelector(pod: Pod): LabelMatcher;
  /** Run every filter plugin (preemption re-checks nodes with pods removed). */
  runFilterPlugins(state: CycleState, pod: PodInfo, node: NodeInfo): Status | undefined;
  /** Re-run preFilter extensions after pods are removed from or added to a node (preemption). */
  runPreFilterExtensionRemovePod(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void;
  runPreFilterExtensionAddPod(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void;
  /**
   * Carry out a preemption decision: evict the victims (graceful deletes, Preempted events) and
   * clear lower-priority nominations on the node. Runs in the background; the preemptor waits in
   * the queue for the victims to go.
   */
  preempt(preemptor: PodInfo, nodeName: string, victims: readonly PodInfo[]): void;
}

/** preFilter plugins that keep per-node precomputed state implement this so preemption stays exact. */
export interface PreFilterExtensions {
  addPod(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void;
  removePod(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void;
}

export const isPreFilter = (p: Plugin): p is PreFilterPlugin => typeof (p as any).preFilter === 'function';
export const isFilter = (p: Plugin): p is FilterPlugin => typeof (p as any).filter === 'function';
export const isPostFilter = (p: Plugin): p is PostFilterPlugin => typeof (p as any).postFilter === 'function';
export const isPreScore = (p: Plugin): p is PreScorePlugin => typeof (p as any).preScore === 'function';
export const isScore = (p: Plugin): p is ScorePlugin => typeof (p as any).score === 'function';
export const isBind = (p: Plugin): p is BindPlugin => typeof (p as any).bind === 'function';
export const hasEvents = (p: Plugin): p is Plugin & EnqueueExtensions =>
  typeof (p as any).events === 'function';
export const hasPreFilterExtensions = (p: Plugin): p is Plugin & PreFilterExtensions =>
  typeof (p as any).addPod === 'function' && typeof (p as any).removePod === 'function';
