// The things the screens do to the cluster, each one request (or a few), as kubectl does them.
import type { Pod } from '../../../api/types/index.ts';
import { deleteObject, mergePatch, sendJson } from './client.ts';
import { kinds, objectPath, type ResourceKind } from './resource-kinds.ts';

/** `kubectl scale`: the replicas of a Deployment or StatefulSet. */
export const scale = (kind: ResourceKind, namespace: string, name: string, replicas: number) =>
  mergePatch(objectPath(kind, name, namespace), { spec: { replicas } });

/** `kubectl rollout restart`: a new template annotation rolls every pod. */
export const restart = (kind: ResourceKind, namespace: string, name: string, now = new Date()) =>
  mergePatch(objectPath(kind, name, namespace), {
    spec: {
      template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now.toISOString() } } },
    },
  });

export const remove = (kind: ResourceKind, namespace: string | undefined, name: string) =>
  deleteObject(objectPath(kind, name, namespace));

export const cordon = (node: string, unschedulable: boolean) =>
  mergePatch(objectPath(kinds.nodes, node), { spec: { unschedulable: unschedulable || null } });

/** `kubectl drain`: cordon, then evict every pod on the node except DaemonSet and mirror pods. */
export async function drain(node: string, pods: Pod[]): Promise<void> {
  await cordon(node, true);
  const evictable = pods.filter(
    (p) =>
      p.spec?.nodeName === node &&
      !p.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet') &&
      !p.metadata?.annotations?.['kubernetes.io/config.mirror'],
  );
  await Promise.all(
    evictable.map((p) =>
      sendJson('POST', `${objectPath(kinds.pods, p.metadata!.name!, p.metadata!.namespace)}/eviction`, {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: p.metadata!.name, namespace: p.metadata!.namespace },
      }),
    ),
  );
}
