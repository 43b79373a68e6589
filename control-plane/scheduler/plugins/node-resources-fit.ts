// NodeResourcesFit: the pod's requests (CPU, memory, ephemeral storage, extended resources, one
// pod slot) must fit in what the node has left; assumed pods count at once. Scoring prefers the
// least allocated nodes by default (spreading load), or the most allocated (bin packing).
import type { ClusterEvent, FilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interfaces.ts';
import { maxNodeScore } from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import type { Resource } from '../framework/resource.ts';
import { unschedulable, type Status } from '../framework/status.ts';
import { NodeResourcesFit as name } from './names.ts';

export const ErrReasonTooManyPods = 'Too many pods';
export const insufficient = (resource: string) => `Insufficient ${resource}`;

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated';

export interface ResourceSpec {
  name: string;
  weight: number;
}

export interface NodeResourcesFitArgs {
  scoringStrategy?: { type?: ScoringStrategyType; resources?: ResourceSpec[] };
}

export const defaultScoringResources: ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

/** The amount of a named resource (cpu in millicores, the rest in bytes or units). */
export function amountOf(r: Resource, resource: string): number {
  switch (resource) {
    case 'cpu':
      return r.milliCPU;
    case 'memory':
      return r.memory;
    case 'ephemeral-storage':
      return r.ephemeralStorage;
    default:
      return r.scalar?.get(resource) ?? 0;
  }
}

/** True when the pod surely fits, without building reasons (the hot path over every node). */
function fits(pod: PodInfo, node: NodeInfo): boolean {
  const req = pod.requests;
  const alloc = node.allocatable;
  const used = node.requested;
  return (
    node.pods.size + 1 <= alloc.allowedPodNumber &&
    (req.milliCPU === 0 || req.milliCPU <= alloc.milliCPU - used.milliCPU) &&
    (req.memory === 0 || req.memory <= alloc.memory - used.memory) &&
    (req.ephemeralStorage === 0 || req.ephemeralStorage <= alloc.ephemeralStorage - used.ephemeralStorage) &&
    req.scalar === undefined
  );
}

/** Every reason the pod does not fit on the node (empty when it fits), in upstream's order. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] {
  const out: string[] = [];
  if (node.pods.size + 1 > node.allocatable.allowedPodNumber) out.push(ErrReasonTooManyPods);
  const req = pod.requests;
  const alloc = node.allocatable;
  const used = node.requested;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) out.push(insufficient('cpu'));
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) out.push(insufficient('memory'));
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage)
    out.push(insufficient('ephemeral-storage'));
  if (req.scalar) {
    for (const [resource, amount] of req.scalar) {
      if (amount > 0 && amount > amountOf(alloc, resource) - amountOf(used, resource))
        out.push(insufficient(resource));
    }
  }
  return out;
}

export class NodeResourcesFitPlugin implements FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = name;
  private readonly strategy: ScoringStrategyType;
  private readonly resources: ResourceSpec[];
  private readonly weightSum: number;

  constructor(args: NodeResourcesFitArgs = {}) {
    this.strategy = args.scoringStrategy?.type ?? 'LeastAllocated';
    this.resources = args.scoringStrategy?.resources ?? defaultScoringResources;
    if (this.strategy !== 'LeastAllocated' && this.strategy !== 'MostAllocated')
      throw new Error(`NodeResourcesFit: unknown scoring strategy "${String(this.strategy)}"`);
    for (const r of this.resources)
      if (!(r.weight >= 1 && r.weight <= 100))
        throw new Error(`NodeResourcesFit: weight of ${r.name} must be 1..100`);
    this.weightSum = this.resources.reduce((n, r) => n + r.weight, 0);
  }

  filter(_state: unknown, pod: PodInfo, node: NodeInfo): Status | undefined {
    if (fits(pod, node)) return undefined; // the common case touches only numbers
    const reasons = insufficientResources(pod, node);
    return reasons.length === 0 ? undefined : unschedulable(...reasons);
  }

  preScore(): Status | undefined {
    return undefined;
  }

  score(_state: unknown, pod: PodInfo, node: NodeInfo): number {
    let total = 0;
    for (const { name: resource, weight } of this.resources) {
      const capacity = amountOf(node.allocatable, resource);
      // Scoring counts containers without requests at upstream's non-zero defaults.
      const requested =
        resource === 'cpu' || resource === 'memory'
          ? amountOf(node.nonZeroRequested, resource) + amountOf(pod.nonZeroRequests, resource)
          : amountOf(node.requested, resource) + amountOf(pod.requests, resource);
      total += weight * this.resourceScore(requested, capacity);
    }
    return Math.trunc(total / this.weightSum);
  }

  private resourceScore(requested: number, capacity: number): number {
    if (capacity === 0 || requested > capacity) return 0;
    return this.strategy === 'LeastAllocated'
      ? Math.trunc(((capacity - requested) * maxNodeScore) / capacity)
      : Math.trunc((requested * maxNodeScore) / capacity);
  }

  events(): ClusterEvent[] {
    return ['Node/Add', 'Node/Update', 'AssignedPod/Delete'];
  }
}
