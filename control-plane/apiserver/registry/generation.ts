// Which resources carry metadata.generation. Upstream sets it in the PrepareForCreate of the
// types whose spec a controller acts on (workloads, ingress, HPA); ConfigMaps, Secrets, Pods
// (before 1.33), Services, Nodes and the rest have none, and kubectl users see exactly that.
import type { ResourceType } from '../../../api/resource-type.ts';

const tracked = new Set([
  'apps/deployments',
  'apps/replicasets',
  'apps/statefulsets',
  'apps/daemonsets',
  'batch/jobs',
  'batch/cronjobs',
  'networking.k8s.io/ingresses',
  'autoscaling/horizontalpodautoscalers',
]);

export function tracksGeneration(rt: Pick<ResourceType, 'group' | 'plural'>): boolean {
  return tracked.has(`${rt.group}/${rt.plural}`);
}
