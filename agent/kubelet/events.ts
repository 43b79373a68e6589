// The kubelet's events (upstream pkg/kubelet/events): the same recorder the controllers use
// (component `kubelet`, source.host = the node), so `kubectl describe pod` shows what the node
// did with a pod: Pulling/Pulled/Failed for images, Created/Started/Killing for containers,
// BackOff, Unhealthy, FailedMount; and Starting/NodeReady for the node.
import type { Client, KubeObject, Logger } from '../../api/client/index.ts';
import type { Pod } from '../../api/types/pod.ts';
import { ApiEventRecorder, type EventRecorder } from '../../api/client/event-recorder.ts';

export type { EventRecorder } from '../../api/client/event-recorder.ts';

/** Upstream's reasons (pkg/kubelet/events/event.go). */
export const KubeletEvent = {
  Pulling: 'Pulling',
  Pulled: 'Pulled',
  FailedToPull: 'Failed',
  BackOff: 'BackOff',
  Created: 'Created',
  Started: 'Started',
  Failed: 'Failed',
  Killing: 'Killing',
  Unhealthy: 'Unhealthy',
  FailedMount: 'FailedMount',
  FailedPostStartHook: 'FailedPostStartHook',
  FailedPreStopHook: 'FailedPreStopHook',
  DeadlineExceeded: 'DeadlineExceeded',
  Starting: 'Starting',
  NodeReady: 'NodeReady',
  NodeNotReady: 'NodeNotReady',
  NodeHasDiskPressure: 'NodeHasDiskPressure',
  NodeHasNoDiskPressure: 'NodeHasNoDiskPressure',
} as const;

export function kubeletEventRecorder(client: Client, nodeName: string, logger: Logger): EventRecorder {
  return new ApiEventRecorder({ client, component: 'kubelet', host: nodeName, logger });
}

/** The pod as an event's involvedObject (informer copies may lack kind and apiVersion). */
export function podObject(pod: Pod): KubeObject {
  return { ...(pod as KubeObject), apiVersion: 'v1', kind: 'Pod' };
}

/** The Node as an event's involvedObject; upstream uses the node name as its uid too. */
export function nodeObject(nodeName: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName, uid: nodeName } };
}

/** A recorder that drops everything, for syncs that have nobody to tell. */
export const noEvents: EventRecorder = { event: () => undefined };
