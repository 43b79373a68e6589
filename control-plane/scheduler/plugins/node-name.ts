// NodeName: a pod that names its node fits only there.
import type { ClusterEvent, FilterPlugin } from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import { unresolvable, type Status } from '../framework/status.ts';
import { NodeName as name } from './names.ts';

export const ErrReasonNodeName = "node(s) didn't match the requested node name";

export class NodeNamePlugin implements FilterPlugin {
  readonly name = name;

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): Status | undefined {
    const wanted = pod.pod.spec?.nodeName;
    if (!wanted || wanted === node.name) return undefined;
    return unresolvable(ErrReasonNodeName);
  }

  events(): ClusterEvent[] {
    return ['Node/Add'];
  }
}
