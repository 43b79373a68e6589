// What a node's CPU and memory bars show: the requests of the pods bound to it against its
// allocatable, as the scheduler sees it (and `kubectl describe node` prints).
import type { Node, Pod } from '../../api/types/index.ts';
import { bytes, milliCpu } from './format.ts';

export interface NodeUsage {
  cpuRequested: number;
  cpuAllocatable: number;
  memoryRequested: number;
  memoryAllocatable: number;
  pods: number;
}

export function podsByNode(pods: Pod[]): Map<string, Pod[]> {
  const m = new Map<string, Pod[]>();
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (!node) continue;
    if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    (m.get(node) ?? m.set(node, []).get(node)!).push(p);
  }
  return m;
}

export function nodeUsage(node: Node, pods: Pod[]): NodeUsage {
  let cpu = 0;
  let memory = 0;
  for (const p of pods)
    for (const c of p.spec?.containers ?? []) {
      cpu += milliCpu(c.resources?.requests?.['cpu']);
      memory += bytes(c.resources?.requests?.['memory']);
    }
  const alloc = node.status?.allocatable ?? node.status?.capacity ?? {};
  return {
    cpuRequested: cpu,
    cpuAllocatable: milliCpu(alloc['cpu']),
    memoryRequested: memory,
    memoryAllocatable: bytes(alloc['memory']),
    pods: pods.length,
  };
}

export function nodeReady(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const status = ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown';
  return node.spec?.unschedulable ? `${status},SchedulingDisabled` : status;
}

export function nodeRoles(node: Node): string {
  const roles = Object.keys(node.metadata?.labels ?? {})
    .filter((l) => l.startsWith('node-role.kubernetes.io/'))
    .map((l) => l.slice('node-role.kubernetes.io/'.length));
  return roles.length ? roles.join(',') : '<none>';
}

export const percent = (used: number, total: number) =>
  total > 0 ? Math.min(100, Math.round((used / total) * 100)) : 0;
