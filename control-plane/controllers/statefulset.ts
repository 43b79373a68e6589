// The StatefulSet controller (upstream pkg/controller/statefulset): pods with stable names
// `<set>-<ordinal>` and claims `<claim>-<set>-<ordinal>`, created in order (each Running and
// Ready before the next, unless podManagementPolicy is Parallel) and removed in reverse order,
// rolled to a new revision from the highest ordinal down to the partition, with
// ControllerRevisions as history and the counters `kubectl rollout status` reads.
import {
  isAlreadyExists,
  isNotFound,
  metaNamespaceKey,
  type SharedIndexInformer,
} from '../../api/client/index.ts';
import { LabelMatcher, labelSelectorAsMatcher } from '../../api/labels/index.ts';
import type {
  PersistentVolumeClaim,
  Pod,
  PodTemplateSpec,
  StatefulSet,
  StatefulSetStatus,
} from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import { claimObjects, controllerRefOf, newControllerRef } from './controller-ref.ts';
import {
  ensureRevision,
  podRevisionLabel,
  templateOf,
  truncateHistory,
  type Revision,
} from './controller-history.ts';
import { canonicalJson } from './hash.ts';
import { isPodAvailable, isPodReady, isPodTerminal, msUntilAvailable, podFromTemplate } from './pod-utils.ts';

type STS = Kube<StatefulSet>;
type PodObj = Kube<Pod>;
type PVC = Kube<PersistentVolumeClaim>;

export const podNameLabel = 'statefulset.kubernetes.io/pod-name';
export const podIndexLabel = 'apps.kubernetes.io/pod-index';

/** The ordinal of a pod named `<set>-<n>` belonging to `set`, else undefined. */
export function ordinalOf(setName: string, podName: string | undefined): number | undefined {
  if (!podName?.startsWith(`${setName}-`)) return undefined;
  const rest = podName.slice(setName.length + 1);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

export const claimName = (claim: string, set: string, ordinal: number) => `${claim}-${set}-${ordinal}`;

const isHealthy = (p: PodObj) =>
  p.status?.phase === 'Running' && isPodReady(p) && !p.metadata?.deletionTimestamp;

export class StatefulSetController extends QueueController {
  private readonly setInformer: SharedIndexInformer<STS>;
  private readonly podInformer: SharedIndexInformer<PodObj>;
  private readonly revInformer: SharedIndexInformer<Revision>;
  private readonly pvcInformer: SharedIndexInformer<PVC>;

  constructor(config: ControllerConfig) {
    super('statefulset', config);
    this.setInformer = this.informers.informerFor<STS>('apps/v1', 'StatefulSet');
    this.podInformer = this.informers.informerFor<PodObj>('v1', 'Pod');
    this.revInformer = this.informers.informerFor<Revision>('apps/v1', 'ControllerRevision');
    this.pvcInformer = this.informers.informerFor<PVC>('v1', 'PersistentVolumeClaim');
    this.setInformer.addEventHandler({
      onAdd: (s) => this.enqueue(s),
      onUpdate: (_o, s) => this.enqueue(s),
      onDelete: (s) => this.enqueue(s),
    });
    const podChanged = (p: PodObj) => {
      const ref = controllerRefOf(p);
      if (ref?.kind === 'StatefulSet') return this.enqueue(`${p.metadata!.namespace}/${ref.name}`);
      if (ref) return;
      for (const s of this.setInformer.byIndex('namespace', p.metadata!.namespace!))
        if (selectorOf(s).matches(p.metadata?.labels)) this.enqueue(s);
    };
    this.podInformer.addEventHandler({
      onAdd: podChanged,
      onUpdate: (_o, p) => podChanged(p),
      onDelete: podChanged,
    });
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.setInformer.get(key);
    if (!cached) return;
    const set = structuredClone(cached);
    const name = set.metadata!.name!;
    const ns = set.metadata!.namespace!;
    let selector: LabelMatcher;
    try {
      selector = labelSelectorAsMatcher(set.spec?.selector);
    } catch (err) {
      this.recorder.event(set, 'Warning', 'InvalidSelector', `Invalid selector: ${(err as Error).message}`);
      return;
    }
    const pods = await claimObjects({
      owner: set,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'StatefulSet',
      selector,
      candidates: this.podInformer.byIndex('namespace', ns),
      resource: this.client.resource<PodObj>('v1', 'Pod'),
      canAdopt: (p) => ordinalOf(name, p.metadata?.name) !== undefined,
    });
    const revisions = this.revInformer
      .byIndex('namespace', ns)
      .filter((r) => controllerRefOf(r)?.uid === set.metadata!.uid);
    if (set.metadata?.deletionTimestamp) return;

    const { revision: updateRev, collisionCount } = await ensureRevision({
      client: this.client,
      owner: set,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'StatefulSet',
      revisions,
      template: set.spec?.template,
      collisionCount: set.status?.collisionCount ?? 0,
    });
    const allRevisions = [
      ...revisions.filter((r) => r.metadata!.name !== updateRev.metadata!.name),
      updateRev,
    ];
    const currentRev =
      allRevisions.find((r) => r.metadata!.name === set.status?.currentRevision) ?? updateRev;

    const status = await this.updatePods(set, pods, currentRev, updateRev);
    status.collisionCount = collisionCount;
    const live = new Set([currentRev.metadata!.name!, updateRev.metadata!.name!]);
    await truncateHistory(this.client, allRevisions, live, set.spec?.revisionHistoryLimit ?? 10);
    await this.writeStatus(set, status);
  }

  /** One pass of the ordered reconcile; returns the status to report. */
  private async updatePods(
    set: STS,
    pods: PodObj[],
    currentRev: Revision,
    updateRev: Revision,
  ): Promise<StatefulSetStatus> {
    const name = set.metadata!.name!;
    const replicaCount = set.spec?.replicas ?? 1;
    const start = set.spec?.ordinals?.start ?? 0;
    const monotonic = (set.spec?.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const minReady = set.spec?.minReadySeconds ?? 0;
    const currentName = currentRev.metadata!.name!;
    const updateName = updateRev.metadata!.name!;

    const byOrdinal = new Map<number, PodObj>();
    const condemned: PodObj[] = [];
    for (const p of pods) {
      const ord = ordinalOf(name, p.metadata?.name);
      if (ord === undefined) continue;
      if (ord >= start && ord < start + replicaCount) byOrdinal.set(ord, p);
      else condemned.push(p);
    }
    condemned.sort((a, b) => ordinalOf(name, b.metadata!.name)! - ordinalOf(name, a.metadata!.name)!);

    const status = this.computeStatus(set, pods, currentName, updateName);
    const strategy = set.spec?.updateStrategy?.type ?? 'RollingUpdate';
    const partition =
      strategy === 'RollingUpdate' ? (set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
    const templateFor = (ord: number): [PodTemplateSpec | undefined, string] =>
      strategy === 'RollingUpdate' && partition > 0 && ord < start + partition && currentName !== updateName
        ? [templateOf(currentRev), currentName]
        : [set.spec?.template, updateName];

    // Create or repair pods in ordinal order.
    for (let ord = start; ord < start + replicaCount; ord++) {
      const pod = byOrdinal.get(ord);
      if (!pod) {
        const [template, revName] = templateFor(ord);
        await this.createPod(set, ord, template, revName);
        if (monotonic) return status;
        continue;
      }
      if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') {
        if (!pod.metadata?.deletionTimestamp) await this.deletePod(set, pod, 'recreate');
        if (monotonic) return status;
        continue;
      }
      if (!monotonic) continue;
      if (pod.metadata?.deletionTimestamp) return status;
      if (!isHealthy(pod)) return status;
      if (minReady > 0 && !isPodAvailable(pod, minReady, this.clock.now())) {
        const wait = msUntilAvailable(pod, minReady, this.clock.now());
        if (wait !== undefined) this.enqueueAfter(metaNamespaceKey(set), wait + 100);
        return status;
      }
    }
    // Remove pods beyond the replica count, highest ordinal first.
    for (const pod of condemned) {
      if (pod.metadata?.deletionTimestamp) {
        if (monotonic) return status;
        continue;
      }
      await this.deletePod(set, pod, 'scale');
      if (monotonic) return status;
    }
    // Rolling update: from the highest ordinal down to the partition, one pod at a time.
    if (strategy === 'RollingUpdate') {
      for (let ord = start + replicaCount - 1; ord >= start + partition; ord--) {
        const pod = byOrdinal.get(ord);
        if (!pod) return status;
        if (pod.metadata?.labels?.[podRevisionLabel] !== updateName) {
          if (!pod.metadata?.deletionTimestamp) await this.deletePod(set, pod, 'update');
          return status;
        }
        if (!isHealthy(pod)) return status;
      }
    }
    return status;
  }

  private async createPod(
    set: STS,
    ordinal: number,
    template: PodTemplateSpec | undefined,
    revisionName: string,
  ): Promise<void> {
    const name = set.metadata!.name!;
    const ns = set.metadata!.namespace!;
    const podName = `${name}-${ordinal}`;
    // Claims first, so the pod never starts without its storage.
    for (const claim of set.spec?.volumeClaimTemplates ?? [])
      await this.ensureClaim(set, claim, ordinal, podName);
    const pod = podFromTemplate({
      template,
      namespace: ns,
      ownerRef: newControllerRef(set, 'apps/v1', 'StatefulSet'),
      name: podName,
      extraLabels: {
        [podNameLabel]: podName,
        [podIndexLabel]: String(ordinal),
        [podRevisionLabel]: revisionName,
      },
    });
    pod.spec = {
      ...pod.spec!,
      hostname: podName,
      ...(set.spec?.serviceName ? { subdomain: set.spec.serviceName } : {}),
    };
    const claims = (set.spec?.volumeClaimTemplates ?? []).map((c) => c.metadata?.name ?? '');
    if (claims.length > 0) {
      const volumes = (pod.spec.volumes ?? []).filter((v) => !claims.includes(v.name));
      for (const c of claims)
        volumes.push({ name: c, persistentVolumeClaim: { claimName: claimName(c, name, ordinal) } } as never);
      pod.spec.volumes = volumes;
    }
    try {
      await this.client.resource<PodObj>('v1', 'Pod').namespace(ns).create(pod);
      this.recorder.event(
        set,
        'Normal',
        'SuccessfulCreate',
        `create Pod ${podName} in StatefulSet ${name} successful`,
      );
    } catch (err) {
      if (isAlreadyExists(err)) return;
      this.recorder.event(
        set,
        'Warning',
        'FailedCreate',
        `create Pod ${podName} in StatefulSet ${name} failed error: ${(err as Error).message}`,
      );
      throw err;
    }
  }

  private async ensureClaim(
    set: STS,
    claim: PersistentVolumeClaim,
    ordinal: number,
    podName: string,
  ): Promise<void> {
    const name = set.metadata!.name!;
    const ns = set.metadata!.namespace!;
    const pvcName = claimName(claim.metadata?.name ?? '', name, ordinal);
    if (this.pvcInformer.get(`${ns}/${pvcName}`)) return;
    const whenDeleted = set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain';
    const pvc: PVC = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: pvcName,
        namespace: ns,
        labels: { ...claim.metadata?.labels, ...set.spec?.selector?.matchLabels },
        ...(claim.metadata?.annotations ? { annotations: claim.metadata.annotations } : {}),
        ...(whenDeleted === 'Delete'
          ? { ownerReferences: [{ ...newControllerRef(set, 'apps/v1', 'StatefulSet'), controller: false }] }
          : {}),
      },
      spec: structuredClone(claim.spec),
    };
    try {
      await this.client.resource<PVC>('v1', 'PersistentVolumeClaim').namespace(ns).create(pvc);
      this.recorder.event(
        set,
        'Normal',
        'SuccessfulCreate',
        `create Claim ${pvcName} Pod ${podName} in StatefulSet ${name} success`,
      );
    } catch (err) {
      if (isAlreadyExists(err)) return;
      this.recorder.event(
        set,
        'Warning',
        'FailedCreate',
        `create Claim ${pvcName} for Pod ${podName} in StatefulSet ${name} failed error: ${(err as Error).message}`,
      );
      throw err;
    }
  }

  private async deletePod(set: STS, pod: PodObj, why: 'scale' | 'update' | 'recreate'): Promise<void> {
    const name = set.metadata!.name!;
    const ns = set.metadata!.namespace!;
    try {
      await this.client
        .resource<PodObj>('v1', 'Pod')
        .namespace(ns)
        .delete(pod.metadata!.name!, { preconditions: { uid: pod.metadata!.uid } });
      this.recorder.event(
        set,
        'Normal',
        'SuccessfulDelete',
        `delete Pod ${pod.metadata!.name} in StatefulSet ${name} successful`,
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    // Scaled away: its claims go too only when the retention policy says so.
    if (why === 'scale' && set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled === 'Delete') {
      const ord = ordinalOf(name, pod.metadata!.name)!;
      for (const claim of set.spec?.volumeClaimTemplates ?? []) {
        try {
          await this.client
            .resource('v1', 'PersistentVolumeClaim')
            .namespace(ns)
            .delete(claimName(claim.metadata?.name ?? '', name, ord));
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
  }

  private computeStatus(
    set: STS,
    pods: PodObj[],
    currentName: string,
    updateName: string,
  ): StatefulSetStatus {
    const minReady = set.spec?.minReadySeconds ?? 0;
    const now = this.clock.now();
    const counted = pods.filter(
      (p) => ordinalOf(set.metadata!.name!, p.metadata?.name) !== undefined && !isPodTerminal(p),
    );
    const ready = counted.filter((p) => isPodReady(p) && !p.metadata?.deletionTimestamp);
    const status: StatefulSetStatus = {
      observedGeneration: set.metadata?.generation,
      replicas: counted.length,
      readyReplicas: ready.length,
      availableReplicas: ready.filter((p) => isPodAvailable(p, minReady, now)).length,
      currentReplicas: counted.filter((p) => p.metadata?.labels?.[podRevisionLabel] === currentName).length,
      updatedReplicas: counted.filter((p) => p.metadata?.labels?.[podRevisionLabel] === updateName).length,
      currentRevision: currentName,
      updateRevision: updateName,
    };
    // A finished rolling update makes the update revision current (upstream completeRollingUpdate).
    const replicas = set.spec?.replicas ?? 1;
    const rolling = (set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    if (
      rolling &&
      status.updatedReplicas === replicas &&
      status.readyReplicas === replicas &&
      status.replicas === replicas
    ) {
      status.currentRevision = updateName;
      status.currentReplicas = status.updatedReplicas;
    }
    return status;
  }

  private async writeStatus(set: STS, status: StatefulSetStatus): Promise<void> {
    const next = { ...set.status, ...status };
    if (canonicalJson(set.status ?? {}) === canonicalJson(next)) return;
    try {
      await this.client
        .resource<STS>('apps/v1', 'StatefulSet')
        .namespace(set.metadata!.namespace!)
        .updateStatus({ ...set, status: next });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

function selectorOf(s: STS): LabelMatcher {
  try {
    return labelSelectorAsMatcher(s.spec?.selector);
  } catch {
    return LabelMatcher.nothing();
  }
}
