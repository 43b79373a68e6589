// Where a new pod's start-up went on this node (upstream's pod_startup_latency_tracker logs
// "Observed pod startup duration" the same way): the moment the kubelet first saw the pod, then
// each step of its first start as milliseconds after that, logged once when the pod's first
// Running status has been written. Pods found already started (an agent restart) are not timed.
import type { Logger } from '../../api/client/index.ts';
import type { Pod } from '../../api/types/pod.ts';

export type StartupStep =
  /** A pod worker began its first sync. */
  | 'syncStarted'
  /** RunPodSandbox sent / answered. */
  | 'sandboxStarted'
  | 'sandboxReady'
  /** Volumes set up (they overlap the sandbox start). */
  | 'volumesReady'
  /** The first container's CreateContainer sent, the last container's StartContainer answered. */
  | 'containersCreating'
  | 'containersStarted'
  /** The Running status PATCH sent / answered. */
  | 'statusSent'
  | 'statusWritten';

interface Timeline {
  ref: string;
  seenAt: number;
  steps: Partial<Record<StartupStep, number>>;
}

export class PodStartupTracker {
  private readonly pods = new Map<string, Timeline>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The kubelet's informer brought the pod; only a pod not started yet gets a timeline. */
  seen(pod: Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid || this.pods.has(uid) || pod.metadata?.deletionTimestamp) return;
    const phase = pod.status?.phase;
    if ((phase && phase !== 'Pending') || pod.status?.containerStatuses?.length) return;
    this.pods.set(uid, {
      ref: `${pod.metadata!.namespace}/${pod.metadata!.name}`,
      seenAt: this.now(),
      steps: {},
    });
  }

  /** Records the first time a step happened for the pod (later repeats are a restart, not start-up). */
  mark(uid: string, step: StartupStep): void {
    const timeline = this.pods.get(uid);
    if (timeline && timeline.steps[step] === undefined) timeline.steps[step] = this.now();
  }

  /** The pod's status went out: a Running one ends (and logs) its timeline, a terminal one drops it. */
  statusWritten(uid: string, phase: string | undefined): void {
    const timeline = this.pods.get(uid);
    if (!timeline) return;
    if (phase === 'Running') {
      this.mark(uid, 'statusWritten');
      const fields: Record<string, number | string> = { pod: timeline.ref, seenAt: timeline.seenAt };
      for (const [step, at] of Object.entries(timeline.steps)) fields[step] = at - timeline.seenAt;
      this.logger.info('observed pod startup', fields);
    }
    if (phase === 'Running' || phase === 'Succeeded' || phase === 'Failed') this.pods.delete(uid);
  }

  forget(uid: string): void {
    this.pods.delete(uid);
  }

  /** Pods being timed, for tests. */
  get size(): number {
    return this.pods.size;
  }
}
