// The ReplicaSet controller (upstream pkg/controller/replicaset): keeps spec.replicas pods
// matching the selector, creating them from the template (in slow-start batches) or deleting the
// least useful ones, adopting orphans and releasing pods that stopped matching, and reporting
// replicas / fullyLabeled / ready / available counts and the ReplicaFailure condition.
import { isNotFound, metaNamespaceKey, type SharedIndexInformer } from '../../api/client/index.ts';
import { LabelMatcher, labelSelectorAsMatcher } from '../../api/labels/index.ts';
import type { Pod, ReplicaSet, ReplicaSetCondition, ReplicaSetStatus } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import { claimObjects, controllerRefOf, newControllerRef } from './controller-ref.ts';
import { ControllerExpectations } from './expectations.ts';
import { canonicalJson } from './hash.ts';
import {
  compareForDeletion,
  isPodActive,
  isPodAvailable,
  isPodReady,
  msUntilAvailable,
  podFromTemplate,
  rfc3339,
} from './pod-utils.ts';
import { slowStartBatch } from './slow-start.ts';

type RS = Kube<ReplicaSet>;
type PodObj = Kube<Pod>;

/** Upstream BurstReplicas: at most this many creates or deletes per sync. */
export const burstReplicas = 500;

export class ReplicaSetController extends QueueController {
  readonly expectations: ControllerExpectations;
  private readonly rsInformer: SharedIndexInformer<RS>;
  private readonly podInformer: SharedIndexInformer<PodObj>;

  constructor(config: ControllerConfig) {
    super('replicaset', config);
    this.expectations = new ControllerExpectations(this.clock);
    this.rsInformer = this.informers.informerFor<RS>('apps/v1', 'ReplicaSet');
    this.podInformer = this.informers.informerFor<PodObj>('v1', 'Pod');
    this.rsInformer.addEventHandler({
      onAdd: (rs) => this.enqueue(rs),
      onUpdate: (_old, rs) => this.enqueue(rs),
      onDelete: (rs) => {
        this.expectations.delete(metaNamespaceKey(rs));
        this.enqueue(rs);
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, pod) => this.podUpdated(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
  }

  /** The ReplicaSet controlling `pod`, from the cache (uid-checked). */
  private ownerOf(pod: PodObj): RS | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.rsInformer.get(`${pod.metadata!.namespace}/${ref.name}`);
    return rs?.metadata?.uid === ref.uid ? rs : undefined;
  }

  /** ReplicaSets whose selector matches an orphan pod (they may adopt it). */
  private matchingSets(pod: PodObj): RS[] {
    return this.rsInformer
      .byIndex('namespace', pod.metadata!.namespace!)
      .filter((rs) => selectorOf(rs).matches(pod.metadata?.labels));
  }

  private podAdded(pod: PodObj): void {
    if (pod.metadata?.deletionTimestamp) return this.podDeleted(pod);
    const rs = this.ownerOf(pod);
    if (rs) {
      this.expectations.creationObserved(metaNamespaceKey(rs));
      return this.enqueue(rs);
    }
    if (!controllerRefOf(pod)) for (const r of this.matchingSets(pod)) this.enqueue(r);
  }

  private podUpdated(old: PodObj, pod: PodObj): void {
    if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    if (pod.metadata?.deletionTimestamp && !old.metadata?.deletionTimestamp) {
      // Graceful deletion: the pod is on its way out; count it as gone now (upstream does too).
      this.podDeleted(pod);
      const oldRs = this.ownerOf(old);
      if (oldRs && controllerRefOf(old)?.uid !== controllerRefOf(pod)?.uid) this.enqueue(oldRs);
      return;
    }
    const oldRs = this.ownerOf(old);
    const rs = this.ownerOf(pod);
    if (oldRs && oldRs !== rs) this.enqueue(oldRs);
    if (rs) {
      this.enqueue(rs);
      // A pod that just became ready becomes available after minReadySeconds: look again then.
      const minReady = rs.spec?.minReadySeconds ?? 0;
      if (minReady > 0 && !isPodReady(old) && isPodReady(pod)) this.enqueueAfter(rs, minReady * 1000 + 1000);
      return;
    }
    if (!controllerRefOf(pod)) for (const r of this.matchingSets(pod)) this.enqueue(r);
  }

  private podDeleted(pod: PodObj): void {
    const rs = this.ownerOf(pod);
    if (!rs) return;
    const key = metaNamespaceKey(rs);
    this.expectations.deletionObserved(key, pod.metadata?.uid);
    this.enqueue(key);
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.rsInformer.get(key);
    if (!cached) {
      this.expectations.delete(key);
      return;
    }
    const rs = structuredClone(cached);
    const needsSync = this.expectations.satisfied(key);
    let selector: LabelMatcher;
    try {
      selector = labelSelectorAsMatcher(rs.spec?.selector);
    } catch (err) {
      this.recorder.event(rs, 'Warning', 'InvalidSelector', `Invalid selector: ${(err as Error).message}`);
      return;
    }
    const candidates = this.podInformer.byIndex('namespace', rs.metadata!.namespace!).filter(isPodActive);
    const pods = await claimObjects({
      owner: rs,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'ReplicaSet',
      selector,
      candidates,
      resource: this.client.resource<PodObj>('v1', 'Pod'),
    });
    let manageError: Error | undefined;
    const deleted = new Set<string>();
    if (needsSync && !rs.metadata?.deletionTimestamp) {
      try {
        await this.manageReplicas(pods, rs, key, deleted);
      } catch (err) {
        manageError = err as Error;
      }
    }
    // Pods deleted just now no longer count: an owner reading this status (a Deployment
    // budgeting availability) must not see them as available.
    const status = this.calculateStatus(
      rs,
      pods.filter((p) => !deleted.has(p.metadata!.uid!)),
      manageError,
    );
    const updated = await this.updateStatus(rs, status);
    // Pods that are ready but not yet available flip after minReadySeconds: requeue then.
    const minReady = rs.spec?.minReadySeconds ?? 0;
    if (updated && minReady > 0 && status.readyReplicas === replicasOf(rs)) {
      const waits = pods
        .map((p) => msUntilAvailable(p, minReady, this.clock.now()))
        .filter((x): x is number => x !== undefined);
      if (waits.length > 0) this.enqueueAfter(key, Math.min(...waits) + 100);
    }
    if (manageError) throw manageError;
  }

  private async manageReplicas(pods: PodObj[], rs: RS, key: string, deleted: Set<string>): Promise<void> {
    const diff = pods.length - replicasOf(rs);
    const podClient = this.client.resource<PodObj>('v1', 'Pod').namespace(rs.metadata!.namespace!);
    if (diff < 0) {
      const want = Math.min(-diff, burstReplicas);
      this.expectations.expectCreations(key, want);
      const ownerRef = newControllerRef(rs, 'apps/v1', 'ReplicaSet');
      const { succeeded, error } = await slowStartBatch(want, async () => {
        const pod = podFromTemplate({
          template: rs.spec?.template,
          namespace: rs.metadata!.namespace!,
          ownerRef,
          generateName: `${rs.metadata!.name}-`,
        });
        try {
          const created = await podClient.create(pod);
          this.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
        } catch (err) {
          this.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
          throw err;
        }
      });
      // Creates that failed or were skipped will never be observed.
      const skipped = want - succeeded;
      if (skipped > 0) this.expectations.lowerCreations(key, skipped);
      if (error) throw error;
      return;
    }
    if (diff > 0) {
      const victims = [...pods].sort(compareForDeletion).slice(0, Math.min(diff, burstReplicas));
      this.expectations.expectDeletions(
        key,
        victims.map((p) => p.metadata!.uid!),
      );
      const errors: Error[] = [];
      await Promise.all(
        victims.map(async (pod) => {
          try {
            await podClient.delete(pod.metadata!.name!, { preconditions: { uid: pod.metadata!.uid } });
            deleted.add(pod.metadata!.uid!);
            this.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata?.name}`);
          } catch (err) {
            this.expectations.deletionObserved(key, pod.metadata!.uid);
            if (isNotFound(err)) {
              deleted.add(pod.metadata!.uid!);
              return;
            }
            this.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
            errors.push(err as Error);
          }
        }),
      );
      if (errors.length > 0) throw errors[0];
    }
  }

  private calculateStatus(rs: RS, pods: PodObj[], manageError: Error | undefined): ReplicaSetStatus {
    const templateLabels = LabelMatcher.fromSet(rs.spec?.template?.metadata?.labels ?? {});
    const now = this.clock.now();
    const minReady = rs.spec?.minReadySeconds ?? 0;
    let fullyLabeled = 0;
    let ready = 0;
    let available = 0;
    for (const p of pods) {
      if (templateLabels.matches(p.metadata?.labels)) fullyLabeled++;
      if (isPodReady(p)) {
        ready++;
        if (isPodAvailable(p, minReady, now)) available++;
      }
    }
    let conditions = (rs.status?.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
    const failure = (rs.status?.conditions ?? []).find((c) => c.type === 'ReplicaFailure');
    if (manageError) {
      const diff = pods.length - replicasOf(rs);
      const cond: ReplicaSetCondition = {
        type: 'ReplicaFailure',
        status: 'True',
        reason: diff < 0 ? 'FailedCreate' : 'FailedDelete',
        message: manageError.message,
        lastTransitionTime: failure?.status === 'True' ? failure.lastTransitionTime : rfc3339(now),
      };
      conditions = [...conditions, cond];
    } else if (failure && pods.length !== replicasOf(rs)) {
      // Still short: keep reporting the last failure until the count is right.
      conditions = [...conditions, failure];
    }
    return {
      replicas: pods.length,
      fullyLabeledReplicas: fullyLabeled,
      readyReplicas: ready,
      availableReplicas: available,
      observedGeneration: rs.metadata?.generation,
      ...(conditions.length > 0 ? { conditions } : {}),
    };
  }

  /** Writes the status when it changed; false when the ReplicaSet is gone. */
  private async updateStatus(rs: RS, status: ReplicaSetStatus): Promise<boolean> {
    if (sameStatus(rs.status, status)) return true;
    const client = this.client.resource<RS>('apps/v1', 'ReplicaSet').namespace(rs.metadata!.namespace!);
    try {
      await client.updateStatus({ ...rs, status });
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
    return true;
  }
}

export const replicasOf = (o: { spec?: { replicas?: number } }) => o.spec?.replicas ?? 1;

export function selectorOf(rs: RS): LabelMatcher {
  try {
    return labelSelectorAsMatcher(rs.spec?.selector);
  } catch {
    return LabelMatcher.nothing();
  }
}

function sameStatus(a: ReplicaSetStatus | undefined, b: ReplicaSetStatus): boolean {
  if (!a) return false;
  return (
    a.replicas === b.replicas &&
    (a.fullyLabeledReplicas ?? 0) === b.fullyLabeledReplicas &&
    (a.readyReplicas ?? 0) === b.readyReplicas &&
    (a.availableReplicas ?? 0) === b.availableReplicas &&
    a.observedGeneration === b.observedGeneration &&
    canonicalJson(a.conditions ?? []) === canonicalJson(b.conditions ?? [])
  );
}
