// The Deployment controller (upstream pkg/controller/deployment): rolls a template out through
// ReplicaSets named `<deployment>-<pod-template-hash>`, RollingUpdate within maxSurge and
// maxUnavailable or Recreate, scales proportionally, keeps revision annotations and history,
// and reports counters plus the Progressing and Available conditions `kubectl rollout status`
// reads.
import {
  isAlreadyExists,
  isNotFound,
  metaNamespaceKey,
  type SharedIndexInformer,
} from '../../api/client/index.ts';
import { LabelMatcher, labelSelectorAsMatcher } from '../../api/labels/index.ts';
import type { DeploymentCondition, DeploymentStatus, Pod } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import { claimObjects, controllerRefOf, newControllerRef } from './controller-ref.ts';
import {
  annotationsToCopy,
  byCreation,
  conditionOf,
  desiredReplicasAnnotation,
  equalIgnoreHash,
  historyLimit,
  isRolling,
  maxReplicasAnnotation,
  maxSurge,
  maxUnavailable,
  newCondition,
  newRSNewReplicas,
  podTemplateHashLabel,
  progressDeadlineSeconds,
  replicas,
  revisionAnnotation,
  revisionOf,
  rsReplicas,
  setCondition,
  splitNewAndOld,
  sumSpec,
  sumStatus,
  type D,
  type RS,
} from './deployment-util.ts';
import { canonicalJson, computeHash } from './hash.ts';
import { isPodTerminal, rfc3339 } from './pod-utils.ts';

type PodObj = Kube<Pod>;

export class DeploymentController extends QueueController {
  private readonly dInformer: SharedIndexInformer<D>;
  private readonly rsInformer: SharedIndexInformer<RS>;
  private readonly podInformer: SharedIndexInformer<PodObj>;

  constructor(config: ControllerConfig) {
    super('deployment', config);
    this.dInformer = this.informers.informerFor<D>('apps/v1', 'Deployment');
    this.rsInformer = this.informers.informerFor<RS>('apps/v1', 'ReplicaSet');
    this.podInformer = this.informers.informerFor<PodObj>('v1', 'Pod');
    this.dInformer.addEventHandler({
      onAdd: (d) => this.enqueue(d),
      onUpdate: (_o, d) => this.enqueue(d),
      onDelete: (d) => this.enqueue(d),
    });
    const rsChanged = (rs: RS) => {
      const owner = this.ownerOf(rs);
      if (owner) return this.enqueue(owner);
      if (controllerRefOf(rs)) return;
      for (const d of this.dInformer.byIndex('namespace', rs.metadata!.namespace!))
        if (selectorOf(d).matches(rs.metadata?.labels)) this.enqueue(d);
    };
    this.rsInformer.addEventHandler({
      onAdd: rsChanged,
      onUpdate: (old, rs) => {
        const oldOwner = this.ownerOf(old);
        if (oldOwner && oldOwner !== this.ownerOf(rs)) this.enqueue(oldOwner);
        rsChanged(rs);
      },
      onDelete: rsChanged,
    });
    // Recreate waits for old pods to be gone: hear about their deletion.
    this.podInformer.addEventHandler({
      onDelete: (pod) => {
        const ref = controllerRefOf(pod);
        if (ref?.kind !== 'ReplicaSet') return;
        const rs = this.rsInformer.get(`${pod.metadata!.namespace}/${ref.name}`);
        const d = rs && this.ownerOf(rs);
        if (d && !isRolling(d)) this.enqueue(d);
      },
    });
  }

  private ownerOf(rs: RS): D | undefined {
    const ref = controllerRefOf(rs);
    if (ref?.kind !== 'Deployment') return undefined;
    const d = this.dInformer.get(`${rs.metadata!.namespace}/${ref.name}`);
    return d?.metadata?.uid === ref.uid ? d : undefined;
  }

  private now(): string {
    return rfc3339(this.clock.now());
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.dInformer.get(key);
    if (!cached) return;
    let d = structuredClone(cached);
    let selector: LabelMatcher;
    try {
      selector = labelSelectorAsMatcher(d.spec?.selector);
    } catch (err) {
      this.recorder.event(d, 'Warning', 'InvalidSelector', `Invalid selector: ${(err as Error).message}`);
      return;
    }
    if (selector.empty()) {
      this.recorder.event(
        d,
        'Warning',
        'SelectingAll',
        'This deployment is selecting all pods. A non-empty selector is required.',
      );
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0))
        await this.writeStatus(d, { ...d.status, observedGeneration: d.metadata?.generation });
      return;
    }
    const sets = await claimObjects({
      owner: d,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'Deployment',
      selector,
      candidates: this.rsInformer.byIndex('namespace', d.metadata!.namespace!),
      resource: this.client.resource<RS>('apps/v1', 'ReplicaSet'),
    });
    if (d.metadata?.deletionTimestamp) return this.syncStatusOnly(d, sets);
    d = await this.checkPausedConditions(d);
    if (d.spec?.paused) return this.syncScaleOnly(d, sets);
    if (this.isScalingEvent(d, sets)) return this.syncScaleOnly(d, sets);
    if (isRolling(d)) return this.rolloutRolling(d, sets);
    return this.rolloutRecreate(d, sets);
  }

  // --- bookkeeping -------------------------------------------------------------------------

  private async checkPausedConditions(d: D): Promise<D> {
    const cond = conditionOf(d, 'Progressing');
    if (cond?.reason === 'ProgressDeadlineExceeded') return d;
    const paused = !!d.spec?.paused;
    let next: DeploymentCondition | undefined;
    if (paused && cond?.reason !== 'DeploymentPaused')
      next = newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', this.now());
    else if (!paused && cond?.reason === 'DeploymentPaused')
      next = newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', this.now());
    if (!next) return d;
    const conditions = setCondition(d.status?.conditions ?? [], next);
    return (await this.writeStatus(d, { ...d.status, conditions })) ?? d;
  }

  /** A scaling event: some active ReplicaSet was sized for a different replica count. */
  private isScalingEvent(d: D, sets: RS[]): boolean {
    const { newRS, oldRSs } = splitNewAndOld(d, sets);
    const active = [...(newRS ? [newRS] : []), ...oldRSs].filter((rs) => rsReplicas(rs) > 0);
    return active.some((rs) => {
      const desired = rs.metadata?.annotations?.[desiredReplicasAnnotation];
      return desired !== undefined && Number(desired) !== replicas(d);
    });
  }

  /**
   * The new ReplicaSet (created when asked and missing) and the old ones, with the revision
   * annotations brought up to date (upstream getAllReplicaSetsAndSyncRevision).
   */
  private async newAndOld(d: D, sets: RS[], create: boolean): Promise<{ d: D; newRS?: RS; oldRSs: RS[] }> {
    const { newRS: existing, oldRSs } = splitNewAndOld(d, sets);
    const maxOld = Math.max(0, ...oldRSs.map(revisionOf));
    const revision = maxOld + 1;
    const rsClient = this.client.resource<RS>('apps/v1', 'ReplicaSet').namespace(d.metadata!.namespace!);
    let newRS = existing;
    if (newRS) {
      const wanted = this.rsAnnotations(d, newRS, revision);
      const minReady = d.spec?.minReadySeconds ?? 0;
      if (wanted || (newRS.spec?.minReadySeconds ?? 0) !== minReady) {
        const copy = structuredClone(newRS);
        copy.metadata!.annotations = wanted ?? copy.metadata!.annotations;
        copy.spec = { ...copy.spec!, minReadySeconds: minReady };
        newRS = await rsClient.update(copy);
      }
      d = await this.syncDeploymentRevision(
        d,
        revisionOf(newRS),
        `Found new replica set "${newRS.metadata!.name}"`,
        'FoundNewReplicaSet',
      );
      return { d, newRS, oldRSs };
    }
    if (!create) return { d, oldRSs };

    const collisionCount = d.status?.collisionCount ?? 0;
    const hash = computeHash(d.spec?.template, collisionCount);
    const template = structuredClone(d.spec!.template);
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata?.labels, [podTemplateHashLabel]: hash },
    };
    const selector = structuredClone(d.spec!.selector);
    selector.matchLabels = { ...selector.matchLabels, [podTemplateHashLabel]: hash };
    const count = newRSNewReplicas(d, sets, undefined);
    const name = `${d.metadata!.name}-${hash}`;
    const rs: RS = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: d.metadata!.namespace,
        labels: { ...template.metadata.labels },
        annotations: {
          ...annotationsToCopy(d),
          [revisionAnnotation]: String(revision),
          [desiredReplicasAnnotation]: String(replicas(d)),
          [maxReplicasAnnotation]: String(replicas(d) + maxSurge(d)),
        },
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
      },
      spec: { replicas: count, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    let created: RS;
    try {
      created = await rsClient.create(rs);
    } catch (err) {
      if (!isAlreadyExists(err)) {
        const msg = `Failed to create new replica set "${name}": ${(err as Error).message}`;
        this.recorder.event(d, 'Warning', 'FailedCreate', msg);
        const conditions = setCondition(
          d.status?.conditions ?? [],
          newCondition('Progressing', 'False', 'ReplicaSetCreateError', msg, this.now()),
        );
        await this.writeStatus(d, { ...d.status, conditions });
        throw err;
      }
      // Ours already (a lagging cache), or a hash collision: bump collisionCount and retry.
      const other = await rsClient.get(name);
      if (
        controllerRefOf(other)?.uid === d.metadata?.uid &&
        equalIgnoreHash(other.spec?.template, d.spec?.template)
      )
        return { d, newRS: other, oldRSs };
      await this.writeStatus(d, { ...d.status, collisionCount: collisionCount + 1 });
      throw new Error(
        `hash collision for replica set ${name}; retrying with collisionCount ${collisionCount + 1}`,
      );
    }
    if (count > 0)
      this.recorder.event(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled up replica set ${name} from 0 to ${count}`,
      );
    d = await this.syncDeploymentRevision(
      d,
      revision,
      `Created new replica set "${name}"`,
      'NewReplicaSetCreated',
    );
    return { d, newRS: created, oldRSs };
  }

  /**
   * The new ReplicaSet's annotations when they need changing, else undefined (upstream
   * SetNewReplicaSetAnnotations). The desired/max-replicas ones change only with its size, so a
   * scaling event still sees the sizes the sets were made for.
   */
  private rsAnnotations(d: D, rs: RS, revision: number): Record<string, string> | undefined {
    const current = rs.metadata?.annotations ?? {};
    const next: Record<string, string> = { ...current, ...annotationsToCopy(d) };
    if (revisionOf(rs) < revision) next[revisionAnnotation] = String(revision);
    return canonicalJson(next) === canonicalJson(current) ? undefined : next;
  }

  /** Copy the new revision onto the deployment and note progress in the Progressing condition. */
  private async syncDeploymentRevision(d: D, revision: number, message: string, reason: string): Promise<D> {
    if (String(revision) !== d.metadata?.annotations?.[revisionAnnotation]) {
      const copy = structuredClone(d);
      copy.metadata!.annotations = { ...copy.metadata!.annotations, [revisionAnnotation]: String(revision) };
      try {
        d = await this.client
          .resource<D>('apps/v1', 'Deployment')
          .namespace(d.metadata!.namespace!)
          .update(copy);
      } catch (err) {
        if (isNotFound(err)) return d;
        throw err;
      }
    }
    const cond = conditionOf(d, 'Progressing');
    if (reason === 'NewReplicaSetCreated' || !cond) {
      const conditions = setCondition(
        d.status?.conditions ?? [],
        newCondition('Progressing', 'True', reason, message, this.now()),
      );
      return (await this.writeStatus(d, { ...d.status, conditions })) ?? d;
    }
    return d;
  }

  /** Resize a ReplicaSet (and its desired/max annotations); true when the size changed. */
  private async scaleReplicaSet(d: D, rs: RS, size: number): Promise<boolean> {
    const sizeChanges = rsReplicas(rs) !== size;
    const ann = rs.metadata?.annotations ?? {};
    const desired = String(replicas(d));
    const max = String(replicas(d) + maxSurge(d));
    if (!sizeChanges && ann[desiredReplicasAnnotation] === desired && ann[maxReplicasAnnotation] === max)
      return false;
    const copy = structuredClone(rs);
    copy.spec = { ...copy.spec!, replicas: size };
    copy.metadata!.annotations = {
      ...ann,
      [desiredReplicasAnnotation]: desired,
      [maxReplicasAnnotation]: max,
    };
    await this.client.resource<RS>('apps/v1', 'ReplicaSet').namespace(rs.metadata!.namespace!).update(copy);
    if (sizeChanges) {
      const op = size > rsReplicas(rs) ? 'up' : 'down';
      this.recorder.event(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${op} replica set ${rs.metadata!.name} from ${rsReplicas(rs)} to ${size}`,
      );
      rs.spec = { ...rs.spec!, replicas: size };
    }
    return sizeChanges;
  }

  // --- strategies ---------------------------------------------------------------------------

  private async rolloutRolling(d0: D, sets: RS[]): Promise<void> {
    const { d, newRS, oldRSs } = await this.newAndOld(d0, sets, true);
    const all = [...(newRS ? [newRS] : []), ...oldRSs];
    // Scale the new ReplicaSet up within the surge budget.
    if (newRS) {
      let target = rsReplicas(newRS);
      if (rsReplicas(newRS) > replicas(d)) target = replicas(d);
      else if (rsReplicas(newRS) < replicas(d)) target = newRSNewReplicas(d, all, newRS);
      if (await this.scaleReplicaSet(d, newRS, target)) return this.syncRolloutStatus(d, all, newRS);
    }
    if (await this.reconcileOldReplicaSets(d, all, oldRSs, newRS))
      return this.syncRolloutStatus(d, all, newRS);
    if (this.complete(d, all, newRS)) await this.cleanup(d, oldRSs);
    return this.syncRolloutStatus(d, all, newRS);
  }

  /** Scale old ReplicaSets down without going under replicas - maxUnavailable available pods. */
  private async reconcileOldReplicaSets(
    d: D,
    all: RS[],
    oldRSs: RS[],
    newRS: RS | undefined,
  ): Promise<boolean> {
    if (sumSpec(oldRSs) === 0) return false;
    const minAvailable = replicas(d) - maxUnavailable(d);
    const newUnavailable = newRS ? rsReplicas(newRS) - (newRS.status?.availableReplicas ?? 0) : 0;
    let maxScaledDown = sumSpec(all) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    // First the unhealthy old pods: removing them costs no availability.
    let changed = false;
    for (const rs of [...oldRSs].sort(byCreation)) {
      if (maxScaledDown <= 0) break;
      const unhealthy = rsReplicas(rs) - (rs.status?.availableReplicas ?? 0);
      if (rsReplicas(rs) === 0 || unhealthy <= 0) continue;
      const n = Math.min(maxScaledDown, unhealthy);
      if (await this.scaleReplicaSet(d, rs, rsReplicas(rs) - n)) changed = true;
      maxScaledDown -= n;
    }
    // Then healthy ones, down to the availability floor.
    const available = sumStatus(all, 'availableReplicas');
    let budget = Math.min(available - minAvailable, maxScaledDown);
    for (const rs of [...oldRSs].sort(byCreation)) {
      if (budget <= 0) break;
      if (rsReplicas(rs) === 0) continue;
      const n = Math.min(rsReplicas(rs), budget);
      if (await this.scaleReplicaSet(d, rs, rsReplicas(rs) - n)) changed = true;
      budget -= n;
    }
    return changed;
  }

  private async rolloutRecreate(d0: D, sets: RS[]): Promise<void> {
    let { d, newRS, oldRSs } = await this.newAndOld(d0, sets, false);
    let all = [...(newRS ? [newRS] : []), ...oldRSs];
    let scaledDown = false;
    for (const rs of oldRSs)
      if (rsReplicas(rs) > 0 && (await this.scaleReplicaSet(d, rs, 0))) scaledDown = true;
    if (scaledDown) return this.syncRolloutStatus(d, all, newRS);
    // Wait until every old pod is gone before starting new ones.
    const oldUids = new Set(oldRSs.map((rs) => rs.metadata!.uid));
    const oldRunning = this.podInformer
      .byIndex('namespace', d.metadata!.namespace!)
      .some((p) => oldUids.has(controllerRefOf(p)?.uid) && !isPodTerminal(p));
    if (oldRunning || oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0))
      return this.syncRolloutStatus(d, all, newRS);
    if (!newRS) {
      ({ d, newRS, oldRSs } = await this.newAndOld(d, sets, true));
      all = [...(newRS ? [newRS] : []), ...oldRSs];
    }
    if (newRS && (await this.scaleReplicaSet(d, newRS, replicas(d))))
      return this.syncRolloutStatus(d, all, newRS);
    if (this.complete(d, all, newRS)) await this.cleanup(d, oldRSs);
    return this.syncRolloutStatus(d, all, newRS);
  }

  /** Paused or resized: scale what exists, proportionally when a rollout is midway. */
  private async syncScaleOnly(d0: D, sets: RS[]): Promise<void> {
    const { d, newRS, oldRSs } = await this.newAndOld(d0, sets, false);
    await this.scale(d, newRS, oldRSs);
    if (d.spec?.paused) await this.cleanup(d, oldRSs);
    await this.syncStatusOnly(d, [...(newRS ? [newRS] : []), ...oldRSs], newRS);
  }

  private async scale(d: D, newRS: RS | undefined, oldRSs: RS[]): Promise<void> {
    const all = [...(newRS ? [newRS] : []), ...oldRSs];
    const active = all.filter((rs) => rsReplicas(rs) > 0);
    let single: RS | undefined;
    if (active.length === 1) single = active[0];
    else if (active.length === 0) single = newRS ?? [...oldRSs].sort(byCreation).at(-1);
    if (single) {
      await this.scaleReplicaSet(d, single, replicas(d));
      return;
    }
    if (!isRolling(d)) return;
    // Proportional scaling (upstream scale()): spread the change over the active sets by size.
    const allowed = replicas(d) > 0 ? replicas(d) + maxSurge(d) : 0;
    const toAdd = allowed - sumSpec(active);
    if (toAdd === 0) return;
    const sorted = [...active].sort((a, b) => rsReplicas(b) - rsReplicas(a) || byCreation(b, a));
    const sizes = new Map<RS, number>();
    let added = 0;
    for (const rs of sorted) {
      const annotated = Number(rs.metadata?.annotations?.[maxReplicasAnnotation] ?? 0) || sumSpec(active);
      const fraction =
        replicas(d) === 0
          ? -rsReplicas(rs)
          : Math.round((rsReplicas(rs) * allowed) / annotated) - rsReplicas(rs);
      const part = toAdd > 0 ? Math.min(fraction, toAdd - added) : Math.max(fraction, toAdd - added);
      sizes.set(rs, rsReplicas(rs) + part);
      added += part;
    }
    const first = sorted[0]!;
    sizes.set(first, Math.max(0, (sizes.get(first) ?? 0) + toAdd - added));
    for (const rs of sorted) await this.scaleReplicaSet(d, rs, Math.max(0, sizes.get(rs) ?? 0));
  }

  /** Delete old ReplicaSets beyond revisionHistoryLimit, oldest revision first, when empty. */
  private async cleanup(d: D, oldRSs: RS[]): Promise<void> {
    const candidates = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
    const surplus = candidates.length - historyLimit(d);
    if (surplus <= 0) return;
    const sorted = [...candidates].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    const rsClient = this.client.resource<RS>('apps/v1', 'ReplicaSet').namespace(d.metadata!.namespace!);
    for (const rs of sorted.slice(0, surplus)) {
      if ((rs.status?.replicas ?? 0) !== 0 || rsReplicas(rs) !== 0) continue;
      if ((rs.status?.observedGeneration ?? 0) < (rs.metadata?.generation ?? 0)) continue;
      try {
        await rsClient.delete(rs.metadata!.name!, { preconditions: { uid: rs.metadata!.uid } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  // --- status --------------------------------------------------------------------------------

  private complete(d: D, all: RS[], newRS: RS | undefined): boolean {
    const s = this.calculateStatus(d, all, newRS);
    return deploymentComplete(d, s);
  }

  private calculateStatus(d: D, all: RS[], newRS: RS | undefined): DeploymentStatus {
    const available = sumStatus(all, 'availableReplicas');
    const status: DeploymentStatus = {
      observedGeneration: d.metadata?.generation,
      replicas: sumStatus(all, 'replicas'),
      updatedReplicas: newRS?.status?.replicas ?? 0,
      readyReplicas: sumStatus(all, 'readyReplicas'),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, replicas(d) - available),
      ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
      conditions: d.status?.conditions ?? [],
    };
    const now = this.now();
    const cond =
      available >= replicas(d) - maxUnavailable(d)
        ? newCondition(
            'Available',
            'True',
            'MinimumReplicasAvailable',
            'Deployment has minimum availability.',
            now,
          )
        : newCondition(
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
            now,
          );
    status.conditions = setCondition(status.conditions!, cond);
    // A ReplicaSet that can not create pods (quota, admission) shows on the deployment too.
    const failing = [...(newRS ? [newRS] : []), ...all.filter((rs) => rs !== newRS)]
      .flatMap((rs) => rs.status?.conditions ?? [])
      .find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
    if (failing)
      status.conditions = setCondition(
        status.conditions!,
        newCondition('ReplicaFailure', 'True', failing.reason ?? 'FailedCreate', failing.message ?? '', now),
      );
    else status.conditions = status.conditions!.filter((c) => c.type !== 'ReplicaFailure');
    return status;
  }

  private async syncStatusOnly(d0: D, sets: RS[], newRS?: RS): Promise<void> {
    const {
      d,
      newRS: found,
      oldRSs,
    } = newRS ? { d: d0, newRS, oldRSs: [] } : await this.newAndOld(d0, sets, false);
    const all = newRS ? sets : [...(found ? [found] : []), ...oldRSs];
    await this.writeStatus(d, this.calculateStatus(d, all, found));
  }

  /** Progress bookkeeping (upstream syncRolloutStatus), then the status write. */
  private async syncRolloutStatus(d: D, all: RS[], newRS: RS | undefined): Promise<void> {
    const status = this.calculateStatus(d, all, newRS);
    const now = this.now();
    const current = conditionOf(d, 'Progressing');
    const name = newRS?.metadata?.name ?? '';
    if (!d.spec?.paused) {
      let next: DeploymentCondition | undefined;
      if (deploymentComplete(d, status)) {
        if (current?.reason !== 'NewReplicaSetAvailable')
          next = newCondition(
            'Progressing',
            'True',
            'NewReplicaSetAvailable',
            `ReplicaSet "${name}" has successfully progressed.`,
            now,
          );
      } else if (deploymentProgressing(d, status)) {
        next = newCondition(
          'Progressing',
          'True',
          'ReplicaSetUpdated',
          `ReplicaSet "${name}" is progressing.`,
          now,
        );
        if (current?.status === 'True') next.lastTransitionTime = current.lastTransitionTime;
        status.conditions = (status.conditions ?? []).filter((c) => c.type !== 'Progressing');
      } else if (this.timedOut(d, current)) {
        next = newCondition(
          'Progressing',
          'False',
          'ProgressDeadlineExceeded',
          `ReplicaSet "${name}" has timed out progressing.`,
          now,
        );
      }
      if (next) status.conditions = setCondition(status.conditions ?? [], next);
    }
    const written = await this.writeStatus(d, status);
    // A rollout that stops making progress must be looked at again when its deadline passes.
    const cond = (written ?? d).status?.conditions?.find((c) => c.type === 'Progressing');
    if (
      !d.spec?.paused &&
      cond?.status === 'True' &&
      cond.reason !== 'NewReplicaSetAvailable' &&
      !deploymentComplete(d, status)
    ) {
      const since = Date.parse(cond.lastUpdateTime ?? '') || this.clock.now();
      const after = since + progressDeadlineSeconds(d) * 1000 - this.clock.now();
      this.enqueueAfter(metaNamespaceKey(d), Math.max(0, after) + 1000);
    }
  }

  private timedOut(d: D, cond: DeploymentCondition | undefined): boolean {
    if (!cond || cond.reason === 'NewReplicaSetAvailable') return false;
    if (cond.reason === 'ProgressDeadlineExceeded') return true;
    const since = Date.parse(cond.lastUpdateTime ?? '');
    return Number.isFinite(since) && since + progressDeadlineSeconds(d) * 1000 < this.clock.now();
  }

  /** Write the status if it differs; returns the stored deployment, or undefined if it is gone. */
  private async writeStatus(d: D, status: DeploymentStatus): Promise<D | undefined> {
    if (canonicalJson(d.status ?? {}) === canonicalJson(status)) return d;
    try {
      return await this.client
        .resource<D>('apps/v1', 'Deployment')
        .namespace(d.metadata!.namespace!)
        .updateStatus({ ...d, status });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}

function selectorOf(d: D): LabelMatcher {
  try {
    return labelSelectorAsMatcher(d.spec?.selector);
  } catch {
    return LabelMatcher.nothing();
  }
}

/** Upstream DeploymentComplete. */
export function deploymentComplete(d: D, s: DeploymentStatus): boolean {
  return (
    s.updatedReplicas === replicas(d) &&
    s.replicas === replicas(d) &&
    s.availableReplicas === replicas(d) &&
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
  );
}

/** Upstream DeploymentProgressing: more updated, fewer old, more ready or more available pods. */
export function deploymentProgressing(d: D, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}
