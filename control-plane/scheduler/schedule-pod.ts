// One scheduling decision, synchronously (upstream schedule_one.go schedulePod): run the
// preFilters, filter nodes until enough feasible ones are found (a rotating sample of big
// clusters, like percentageOfNodesToScore), score the feasible ones, pick the best (ties at
// random). Nothing here talks to the API; the scheduler acts on the outcome.
import { CycleState } from './framework/cycle-state.ts';
import { fitErrorMessage, ErrNoNodesAvailable } from './framework/fit-error.ts';
import type { Framework } from './framework/framework.ts';
import type { NodeInfo } from './framework/node-info.ts';
import type { PodInfo } from './framework/pod-info.ts';
import { unresolvable, type Status } from './framework/status.ts';

/** Below this many nodes every node is filtered; above, at least this many feasible ones are looked for. */
export const minFeasibleNodesToFind = 100;
export const minFeasibleNodesPercentageToFind = 5;

/** How many feasible nodes are enough (upstream numFeasibleNodesToFind). percentage 0: adaptive. */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < minFeasibleNodesToFind || percentage >= 100) return numAllNodes;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(minFeasibleNodesPercentageToFind, 50 - Math.trunc(numAllNodes / 125));
  const n = Math.trunc((numAllNodes * pct) / 100);
  return Math.max(n, minFeasibleNodesToFind);
}

/** No node fits: why, per node, for the message and for preemption. */
export class FitError {
  postFilterMsg = '';

  constructor(
    readonly pod: PodInfo,
    readonly numAllNodes: number,
    readonly statuses: Map<string, Status>,
    readonly preFilterMsg = '',
  ) {}

  /** Plugins that rejected the pod somewhere: only events they care about requeue it. */
  unschedulablePlugins(): Set<string> {
    const out = new Set<string>();
    for (const s of this.statuses.values()) if (s.plugin) out.add(s.plugin);
    return out;
  }

  message(): string {
    if (this.numAllNodes === 0) return ErrNoNodesAvailable;
    return fitErrorMessage(this.numAllNodes, this.statuses, {
      preFilterMsg: this.preFilterMsg,
      postFilterMsg: this.postFilterMsg,
    });
  }
}

export interface ScheduleResult {
  nodeName: string;
  evaluatedNodes: number;
  feasibleNodes: number;
}

export interface ScheduleOptions {
  percentageOfNodesToScore?: number;
  random?: () => number;
}

export class PodScheduler {
  /** Where the next sample starts, so successive pods look at different nodes. */
  private nextStartNodeIndex = 0;
  private readonly random: () => number;

  constructor(
    private readonly fwk: Framework,
    private readonly opts: ScheduleOptions = {},
  ) {
    this.random = opts.random ?? Math.random;
  }

  /** A node for the pod, a FitError, or an Error status. */
  schedule(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): ScheduleResult | FitError | Status {
    if (nodes.length === 0) return new FitError(pod, 0, new Map());
    const found = this.findNodesThatFit(state, pod, nodes);
    if (!Array.isArray(found)) return found;
    const feasible = found;
    if (feasible.length === 1) return { nodeName: feasible[0]!.name, evaluatedNodes: 1, feasibleNodes: 1 };
    const pre = this.fwk.runPreScorePlugins(state, pod, feasible);
    if (pre) return pre;
    const totals = this.fwk.runScorePlugins(state, pod, feasible);
    if (!Array.isArray(totals)) return totals;
    return {
      nodeName: this.selectHost(feasible, totals),
      evaluatedNodes: nodes.length,
      feasibleNodes: feasible.length,
    };
  }

  private findNodesThatFit(
    state: CycleState,
    pod: PodInfo,
    all: readonly NodeInfo[],
  ): NodeInfo[] | FitError | Status {
    const pre = this.fwk.runPreFilterPlugins(state, pod, all);
    if (pre.status) {
      if (!pre.status.isRejected()) return pre.status;
      const statuses = new Map(all.map((n) => [n.name, pre.status!]));
      return new FitError(pod, all.length, statuses, pre.status.message());
    }
    const statuses = new Map<string, Status>();
    let candidates = all;
    if (pre.nodeNames) {
      candidates = all.filter((n) => pre.nodeNames!.has(n.name));
      const notSatisfied = unresolvable(`node(s) didn't satisfy plugin(s) [${pre.plugins.join(' ')}]`);
      for (const n of all) if (!pre.nodeNames.has(n.name)) statuses.set(n.name, notSatisfied);
    }

    // A pod nominated by preemption tries its nominated node first.
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated) {
      const node = candidates.find((n) => n.name === nominated);
      if (node && !this.fwk.runFilterPluginsWithNominatedPods(state, pod, node)) return [node];
    }

    const want = numFeasibleNodesToFind(candidates.length, this.opts.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    const n = candidates.length;
    const start = n === 0 ? 0 : this.nextStartNodeIndex % n;
    let processed = 0;
    for (; processed < n && feasible.length < want; processed++) {
      const node = candidates[(start + processed) % n]!;
      const s = this.fwk.runFilterPluginsWithNominatedPods(state, pod, node);
      if (s) statuses.set(node.name, s);
      else feasible.push(node);
    }
    this.nextStartNodeIndex = n === 0 ? 0 : (start + processed) % n;
    if (feasible.length === 0) return new FitError(pod, all.length, statuses);
    return feasible;
  }

  /** The highest total; among equals, each is equally likely (reservoir sampling). */
  private selectHost(nodes: readonly NodeInfo[], totals: readonly number[]): string {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      if (totals[i]! > totals[best]!) {
        best = i;
        ties = 1;
      } else if (totals[i] === totals[best]) {
        ties++;
        if (this.random() * ties < 1) best = i;
      }
    }
    return nodes[best]!.name;
  }
}

export { CycleState };
