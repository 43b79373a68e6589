// NodePorts: two pods can not bind the same host port (and protocol) on overlapping addresses.
import type { ClusterEvent, FilterPlugin, PreFilterPlugin } from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import { skip, unschedulable, type Status } from '../framework/status.ts';
import { NodePorts as name } from './names.ts';

export const ErrReasonNodePorts = "node(s) didn't have free ports for the requested pod ports";

export class NodePortsPlugin implements PreFilterPlugin, FilterPlugin {
  readonly name = name;

  preFilter(_state: unknown, pod: PodInfo): Status | undefined {
    return pod.hostPorts.length === 0 ? skip() : undefined;
  }

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): Status | undefined {
    for (const hp of pod.hostPorts) if (node.portConflicts(hp)) return unschedulable(ErrReasonNodePorts);
    return undefined;
  }

  events(): ClusterEvent[] {
    return ['Node/Add', 'AssignedPod/Delete'];
  }
}
