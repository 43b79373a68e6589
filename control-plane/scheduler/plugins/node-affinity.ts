// NodeAffinity: spec.nodeSelector and required node affinity decide where a pod may run;
// preferred node affinity adds the weights of the terms a node matches to its score. A pod
// pinned to node names through matchFields (DaemonSet pods) only looks at those nodes.
import type {
  ClusterEvent,
  FilterPlugin,
  PreFilterPlugin,
  PreFilterResult,
  PreScorePlugin,
  ScorePlugin,
  NodeScore,
} from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import { skip, unresolvable, type Status } from '../framework/status.ts';
import { defaultNormalizeScore } from './helpers/normalize-score.ts';
import {
  nodeNamesFromAffinity,
  podMatchesNodeSelectorAndAffinity,
  termMatchesNode,
} from './helpers/node-selector.ts';
import { NodeAffinity as name } from './names.ts';

export const ErrReasonPod = "node(s) didn't match Pod's node affinity/selector";

export class NodeAffinityPlugin implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = name;

  preFilter(_state: unknown, pod: PodInfo): Status | PreFilterResult | undefined {
    const spec = pod.pod.spec;
    const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (!required && Object.keys(spec?.nodeSelector ?? {}).length === 0) return skip();
    const names = nodeNamesFromAffinity(pod.pod);
    return names ? { nodeNames: names } : undefined;
  }

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): Status | undefined {
    return podMatchesNodeSelectorAndAffinity(pod.pod, node.node) ? undefined : unresolvable(ErrReasonPod);
  }

  preScore(_state: unknown, pod: PodInfo): Status | undefined {
    const preferred = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    return preferred && preferred.length > 0 ? undefined : skip();
  }

  score(_state: unknown, pod: PodInfo, node: NodeInfo): number {
    let total = 0;
    for (const t of pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ??
      []) {
      if (t.weight !== 0 && termMatchesNode(t.preference, node.node)) total += t.weight;
    }
    return total;
  }

  normalizeScore(_state: unknown, _pod: PodInfo, scores: NodeScore[]): Status | undefined {
    defaultNormalizeScore(scores, false);
    return undefined;
  }

  events(): ClusterEvent[] {
    return ['Node/Add', 'Node/Update'];
  }
}
