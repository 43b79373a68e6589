// Carrying out a preemption decision (upstream preemption.Evaluator.prepareCandidate): each
// victim gets a DisruptionTarget condition and a graceful delete, and a Preempted event; pods
// of lower priority nominated to the same node lose that nomination, since the room is now
// promised to the preemptor. Runs in the background: the scheduler does not wait for it.
import { isNotFound, type Client, type KubeObject, type Logger } from '../../api/client/index.ts';
import type { EventRecorder } from '../../api/client/event-recorder.ts';
import { rfc3339 } from '../controllers/pod-utils.ts';
import type { PodInfo } from './framework/pod-info.ts';

export interface PreemptorConfig {
  client: Client;
  recorder: EventRecorder;
  logger: Logger;
  nominations: {
    nominatedPods(nodeName: string): readonly PodInfo[];
    deleteNomination(key: string): void;
  };
  schedulerName?: string;
}

export class Preemptor {
  /** Victim deletions in flight (tests wait on them). */
  readonly pending = new Set<Promise<void>>();

  constructor(private readonly config: PreemptorConfig) {}

  preempt(preemptor: PodInfo, nodeName: string, victims: readonly PodInfo[]): void {
    const { logger, nominations } = this.config;
    for (const v of victims) this.track(this.evict(preemptor, v, nodeName));
    for (const p of nominations.nominatedPods(nodeName)) {
      if (p.priority >= preemptor.priority || p.key === preemptor.key) continue;
      nominations.deleteNomination(p.key);
      this.track(this.clearNomination(p));
    }
    logger.info('preempting', {
      pod: preemptor.key,
      node: nodeName,
      victims: victims.map((v) => v.key).join(','),
    });
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch((err) => this.config.logger.warn('preemption step failed', { error: err }));
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  private async evict(preemptor: PodInfo, victim: PodInfo, nodeName: string): Promise<void> {
    const pods = this.config.client.resource('v1', 'Pod').namespace(victim.namespace);
    const name = victim.pod.metadata!.name!;
    const scheduler = this.config.schedulerName ?? 'default-scheduler';
    try {
      await pods.patch(
        name,
        'strategic',
        {
          status: {
            conditions: [
              {
                type: 'DisruptionTarget',
                status: 'True',
                reason: 'PreemptionByScheduler',
                message: `${scheduler}: preempting to accommodate a higher priority pod`,
                lastTransitionTime: rfc3339(Date.now()),
              },
            ],
          },
        },
        { subresource: 'status' },
      );
      await pods.delete(name, { preconditions: { uid: victim.uid } });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    this.config.recorder.event(
      { apiVersion: 'v1', kind: 'Pod', metadata: victim.pod.metadata as KubeObject['metadata'] },
      'Normal',
      'Preempted',
      `Preempted by pod ${preemptor.uid} on node ${nodeName}`,
    );
  }

  private async clearNomination(p: PodInfo): Promise<void> {
    try {
      await this.config.client
        .resource('v1', 'Pod')
        .namespace(p.namespace)
        .patch(
          p.pod.metadata!.name!,
          'merge',
          { status: { nominatedNodeName: null } },
          { subresource: 'status' },
        );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
