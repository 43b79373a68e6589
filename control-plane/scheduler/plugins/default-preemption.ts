// DefaultPreemption: when a pod fits nowhere, look for a node where evicting pods of lower
// priority would make it fit, evicting as few and as unimportant pods as possible. The pod is
// then nominated to that node (status.nominatedNodeName) and scheduled there once the victims
// are gone.
import type { CycleState } from '../framework/cycle-state.ts';
import type {
  ClusterEvent,
  Handle,
  NodeToStatus,
  PostFilterPlugin,
  PostFilterResult,
} from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import { isSuccess, unresolvable, unschedulable, type Status } from '../framework/status.ts';
import { fitErrorMessage } from '../framework/fit-error.ts';
import { DefaultPreemption as name } from './names.ts';

export const ErrReasonNoVictims = 'No preemption victims found for incoming pod';
export const ErrReasonNotHelpful = 'Preemption is not helpful for scheduling';
export const ErrReasonPolicyNever = 'not eligible due to preemptionPolicy=Never.';
export const ErrReasonTerminatingOnNominated = 'not eligible due to a terminating pod on the nominated node.';

export interface Candidate {
  nodeName: string;
  /** Most important first. */
  victims: PodInfo[];
}

/** Higher priority first; at equal priority the one that started earlier (upstream MoreImportantPod). */
export function moreImportant(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return startTime(a) - startTime(b);
}

const startTime = (p: PodInfo) => {
  const t = p.pod.status?.startTime ?? p.pod.metadata?.creationTimestamp;
  return t ? Date.parse(t) : Number.MAX_SAFE_INTEGER;
};

export class DefaultPreemptionPlugin implements PostFilterPlugin {
  readonly name = name;

  constructor(private readonly handle: Handle) {}

  postFilter(
    state: CycleState,
    pod: PodInfo,
    statuses: NodeToStatus,
  ): { result?: PostFilterResult; status: Status | undefined } {
    const notEligible = this.notEligible(pod, statuses);
    if (notEligible) return { status: unschedulable(`preemption: ${notEligible}`) };

    const nodes = this.handle.nodes();
    const verdicts = new Map<string, Status>();
    const candidates: Candidate[] = [];
    for (const node of nodes) {
      // Nodes rejected for reasons eviction can not fix are not worth a try.
      if (statuses.get(node.name)?.code !== 'Unschedulable') continue;
      const r = this.selectVictimsOnNode(state, pod, node);
      if (Array.isArray(r)) candidates.push({ nodeName: node.name, victims: r });
      else verdicts.set(node.name, r);
    }
    if (candidates.length === 0) {
      for (const node of nodes)
        if (!verdicts.has(node.name)) verdicts.set(node.name, unresolvable(ErrReasonNotHelpful));
      return {
        result: { nominatedNodeName: '' },
        status: unschedulable(`preemption: ${fitErrorMessage(nodes.length, verdicts)}`),
      };
    }
    const best = pickOneCandidate(candidates);
    this.handle.preempt(pod, best.nodeName, best.victims);
    return { result: { nominatedNodeName: best.nodeName }, status: undefined };
  }

  private notEligible(pod: PodInfo, statuses: NodeToStatus): string | undefined {
    if (pod.pod.spec?.preemptionPolicy === 'Never') return ErrReasonPolicyNever;
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated && statuses.get(nominated)?.code !== 'UnschedulableAndUnresolvable') {
      // Victims of an earlier preemption are still leaving: wait for them instead of evicting more.
      const node = this.handle.node(nominated);
      for (const p of node?.pods.values() ?? []) {
        if (p.pod.metadata?.deletionTimestamp && p.priority < pod.priority)
          return ErrReasonTerminatingOnNominated;
      }
    }
    return undefined;
  }

  /** The fewest, least important pods to evict from the node so the pod fits, or why none will do. */
  selectVictimsOnNode(state: CycleState, pod: PodInfo, original: NodeInfo): PodInfo[] | Status {
    const node = original.clone();
    const st = state.clone();
    const lower = [...node.pods.values()].filter((p) => p.priority < pod.priority);
    if (lower.length === 0) return unresolvable(ErrReasonNoVictims);
    for (const p of lower) {
      node.removePod(p.key);
      this.handle.runPreFilterExtensionRemovePod(st, pod, p, node);
    }
    const fits = this.handle.runFilterPlugins(st, pod, node);
    if (!isSuccess(fits)) return fits as Status;
    // Give back ("reprieve") as many as possible, most important first.
    lower.sort(moreImportant);
    const victims: PodInfo[] = [];
    for (const p of lower) {
      node.addPod(p);
      this.handle.runPreFilterExtensionAddPod(st, pod, p, node);
      if (!isSuccess(this.handle.runFilterPlugins(st, pod, node))) {
        node.removePod(p.key);
        this.handle.runPreFilterExtensionRemovePod(st, pod, p, node);
        victims.push(p);
      }
    }
    return victims;
  }

  events(): ClusterEvent[] {
    return ['AssignedPod/Delete'];
  }
}

/**
 * Upstream's pickOneNodeForPreemption without PodDisruptionBudgets: the lowest highest-priority
 * victim, then the lowest sum of priorities, then the fewest victims, then the node whose most
 * important victims started last; ties go to the first.
 */
export function pickOneCandidate(candidates: readonly Candidate[]): Candidate {
  const criteria: ((c: Candidate) => number)[] = [
    (c) => -(c.victims[0]?.priority ?? -Infinity),
    (c) => -c.victims.reduce((sum, v) => sum + v.priority + 2 ** 31, 0),
    (c) => -c.victims.length,
    (c) => {
      const top = c.victims[0]?.priority;
      const starts = c.victims.filter((v) => v.priority === top).map(startTime);
      return starts.length === 0 ? 0 : Math.min(...starts);
    },
  ];
  let best = [...candidates];
  for (const score of criteria) {
    if (best.length === 1) break;
    const max = Math.max(...best.map(score));
    best = best.filter((c) => score(c) === max);
  }
  return best[0]!;
}
