// NodeResourcesBalancedAllocation: prefer nodes where CPU and memory would be used in similar
// proportions after placing the pod (1 - standard deviation of the fractions), so neither runs
// out while the other sits idle.
import type { ClusterEvent, PreScorePlugin, ScorePlugin } from '../framework/interfaces.ts';
import { maxNodeScore } from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import { skip, type Status } from '../framework/status.ts';
import { NodeResourcesBalancedAllocation as name } from './names.ts';
import { amountOf, defaultScoringResources, type ResourceSpec } from './node-resources-fit.ts';

export interface BalancedAllocationArgs {
  resources?: ResourceSpec[];
}

export class BalancedAllocationPlugin implements PreScorePlugin, ScorePlugin {
  readonly name = name;
  private readonly resources: string[];

  constructor(args: BalancedAllocationArgs = {}) {
    this.resources = (args.resources ?? defaultScoringResources).map((r) => r.name);
  }

  preScore(_state: unknown, pod: PodInfo): Status | undefined {
    // A pod that requests none of the resources changes no balance.
    return this.resources.every((r) => amountOf(pod.requests, r) === 0) ? skip() : undefined;
  }

  score(_state: unknown, pod: PodInfo, node: NodeInfo): number {
    // Sums instead of an array of fractions: this runs for every scored node.
    let n = 0;
    let sum = 0;
    let sumSquares = 0;
    let first = 0;
    for (const r of this.resources) {
      const capacity = amountOf(node.allocatable, r);
      if (capacity === 0) continue;
      const requested =
        r === 'cpu' || r === 'memory'
          ? amountOf(node.nonZeroRequested, r) + amountOf(pod.nonZeroRequests, r)
          : amountOf(node.requested, r) + amountOf(pod.requests, r);
      const f = Math.min(1, requested / capacity);
      if (n === 0) first = f;
      n++;
      sum += f;
      sumSquares += f * f;
    }
    let std = 0;
    if (n === 2) std = Math.abs(first - (sum - first)) / 2;
    else if (n > 2) std = Math.sqrt(Math.max(0, sumSquares / n - (sum / n) ** 2));
    return Math.trunc((1 - std) * maxNodeScore);
  }

  events(): ClusterEvent[] {
    return ['Node/Add', 'Node/Update', 'AssignedPod/Delete'];
  }
}
