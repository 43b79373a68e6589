// TaintToleration: a node's NoSchedule and NoExecute taints keep out pods that do not tolerate
// them; PreferNoSchedule taints only lower the node's score, by how many are not tolerated.
import type {
  ClusterEvent,
  FilterPlugin,
  NodeScore,
  PreScorePlugin,
  ScorePlugin,
} from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import { skip, unresolvable, type Status } from '../framework/status.ts';
import { defaultNormalizeScore } from './helpers/normalize-score.ts';
import { findUntoleratedTaint, tolerated } from './helpers/taints.ts';
import { TaintToleration as name } from './names.ts';

export const errReasonUntoleratedTaint = (key: string, value: string | undefined) =>
  `node(s) had untolerated taint {${key}: ${value ?? ''}}`;

const blockingEffects = ['NoSchedule', 'NoExecute'];

export class TaintTolerationPlugin implements FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = name;

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): Status | undefined {
    if (node.taints.length === 0) return undefined;
    const taint = findUntoleratedTaint(node.taints, pod.pod.spec?.tolerations ?? [], blockingEffects);
    return taint ? unresolvable(errReasonUntoleratedTaint(taint.key, taint.value)) : undefined;
  }

  preScore(_state: unknown, _pod: PodInfo, nodes: readonly NodeInfo[]): Status | undefined {
    // Without PreferNoSchedule taints every node scores the same: nothing to rank.
    return nodes.some((n) => n.taints.some((t) => t.effect === 'PreferNoSchedule')) ? undefined : skip();
  }

  score(_state: unknown, pod: PodInfo, node: NodeInfo): number {
    if (node.taints.length === 0) return 0;
    // Only tolerations that can apply to PreferNoSchedule count here.
    const tolerations = (pod.pod.spec?.tolerations ?? []).filter(
      (t) => !t.effect || t.effect === 'PreferNoSchedule',
    );
    let count = 0;
    for (const taint of node.taints)
      if (taint.effect === 'PreferNoSchedule' && !tolerated(tolerations, taint)) count++;
    return count;
  }

  normalizeScore(_state: unknown, _pod: PodInfo, scores: NodeScore[]): Status | undefined {
    defaultNormalizeScore(scores, true);
    return undefined;
  }

  events(): ClusterEvent[] {
    return ['Node/Add', 'Node/Update'];
  }
}
