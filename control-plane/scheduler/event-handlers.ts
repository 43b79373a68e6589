// Informer events into the cache and the queue (upstream eventhandlers.go). Bound pods are
// counted in the cache (finished ones are not: they hold no resources); pods waiting for this
// scheduler go to the queue. Changes that may make waiting pods schedulable are passed on as
// cluster events, so only the pods a relevant plugin rejected are retried.
import type { KubeObject, SharedIndexInformer } from '../../api/client/index.ts';
import type { Namespace, Node, Pod } from '../../api/types/index.ts';
import { isPodTerminal } from '../controllers/pod-utils.ts';
import type { SchedulerCache } from './cache/cache.ts';
import { podKey } from './framework/pod-info.ts';
import type { SchedulingQueue } from './queue/scheduling-queue.ts';

type Obj<T> = T & KubeObject;

export interface EventSources {
  schedulerName: string;
  cache: SchedulerCache;
  queue: SchedulingQueue;
  pods: SharedIndexInformer<Obj<Pod>>;
  nodes: SharedIndexInformer<Obj<Node>>;
  namespaces: SharedIndexInformer<Obj<Namespace>>;
}

const assigned = (p: Pod) => !!p.spec?.nodeName;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** What scheduling looks at on a node; heartbeats and status chatter are not worth a retry. */
const nodeSchedulingProps = (n: Node) => [
  n.metadata?.labels,
  n.spec?.taints,
  n.spec?.unschedulable,
  n.status?.allocatable,
];

export function registerEventHandlers(s: EventSources): void {
  const { cache, queue } = s;
  const responsible = (p: Pod) => (p.spec?.schedulerName || 'default-scheduler') === s.schedulerName;

  s.pods.addEventHandler({
    onAdd: (pod) => {
      if (assigned(pod)) {
        if (isPodTerminal(pod)) return;
        cache.addPod(pod);
        queue.moveAllToActiveOrBackoffQueue('AssignedPod/Add');
      } else if (responsible(pod) && !isPodTerminal(pod) && !pod.metadata?.deletionTimestamp) {
        queue.add(pod);
      }
    },
    onUpdate: (old, pod) => {
      if (assigned(pod)) {
        if (!assigned(old)) queue.delete(pod); // bound, by us or by someone else
        if (isPodTerminal(pod)) {
          cache.removePod(pod);
          if (!isPodTerminal(old)) queue.moveAllToActiveOrBackoffQueue('AssignedPod/Delete');
          return;
        }
        cache.updatePod(pod);
        if (!assigned(old)) queue.moveAllToActiveOrBackoffQueue('AssignedPod/Add');
        else if (!same(old.metadata?.labels, pod.metadata?.labels))
          queue.moveAllToActiveOrBackoffQueue('AssignedPod/Update');
        return;
      }
      if (!responsible(pod) || cache.isAssumed(podKey(pod))) return; // being bound right now
      if (isPodTerminal(pod) || pod.metadata?.deletionTimestamp) queue.delete(pod);
      else queue.update(pod);
    },
    onDelete: (pod) => {
      const wasCounted = assigned(pod) || cache.isAssumed(podKey(pod));
      cache.removePod(pod);
      queue.delete(pod);
      if (wasCounted) queue.moveAllToActiveOrBackoffQueue('AssignedPod/Delete');
    },
  });

  s.nodes.addEventHandler({
    onAdd: (node) => {
      cache.addNode(node);
      queue.moveAllToActiveOrBackoffQueue('Node/Add');
    },
    onUpdate: (old, node) => {
      cache.addNode(node);
      if (!same(nodeSchedulingProps(old), nodeSchedulingProps(node)))
        queue.moveAllToActiveOrBackoffQueue('Node/Update');
    },
    onDelete: (node) => {
      cache.removeNode(node.metadata?.name ?? '');
      queue.moveAllToActiveOrBackoffQueue('Node/Delete');
    },
  });

  s.namespaces.addEventHandler({
    onUpdate: (old, ns) => {
      if (!same(old.metadata?.labels, ns.metadata?.labels))
        queue.moveAllToActiveOrBackoffQueue('Namespace/Update');
    },
  });
}
