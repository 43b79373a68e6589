// NodeUnschedulable: a cordoned node (spec.unschedulable) takes no new pods, unless the pod
// tolerates the node.kubernetes.io/unschedulable:NoSchedule taint (DaemonSet pods do).
import type { ClusterEvent, FilterPlugin } from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import { unresolvable, type Status } from '../framework/status.ts';
import { tolerated } from './helpers/taints.ts';
import { NodeUnschedulable as name } from './names.ts';

export const ErrReasonUnschedulable = 'node(s) were unschedulable';
export const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' as const };

export class NodeUnschedulablePlugin implements FilterPlugin {
  readonly name = name;

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): Status | undefined {
    if (!node.unschedulable) return undefined;
    if (tolerated(pod.pod.spec?.tolerations ?? [], unschedulableTaint)) return undefined;
    return unresolvable(ErrReasonUnschedulable);
  }

  events(): ClusterEvent[] {
    return ['Node/Add', 'Node/Update'];
  }
}
