// The DaemonSet controller (upstream pkg/controller/daemon): one pod per eligible node
// (nodeSelector, required node affinity, taints against the pod's tolerations plus the daemon
// defaults), created with node affinity to that node so the scheduler binds it there (as in 1.32),
// removed from nodes that become ineligible, rolled to new templates within maxUnavailable /
// maxSurge, with ControllerRevisions as history and the counters `kubectl rollout status` reads.
import { isNotFound, metaNamespaceKey, type SharedIndexInformer } from '../../api/client/index.ts';
import { LabelMatcher, labelSelectorAsMatcher } from '../../api/labels/index.ts';
import { scaledValueFromIntOrPercent } from '../../api/intstr.ts';
import type { DaemonSet, DaemonSetStatus, Node, Pod, PodSpec, Toleration } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import { claimObjects, controllerRefOf, newControllerRef } from './controller-ref.ts';
import {
  ensureRevision,
  podRevisionLabel,
  revisionHashLabel,
  truncateHistory,
  type Revision,
} from './controller-history.ts';
import { canonicalJson } from './hash.ts';
import { nodeMatchesPodSelectors, untoleratedTaint } from './node-eligibility.ts';
import { isPodAvailable, isPodReady, isPodTerminal, msUntilAvailable, podFromTemplate } from './pod-utils.ts';

type DS = Kube<DaemonSet>;
type PodObj = Kube<Pod>;
type NodeObj = Kube<Node>;

export const templateGenerationLabel = 'pod-template-generation';

/** Tolerations every daemon pod gets (upstream AddOrUpdateDaemonPodTolerations). */
export const daemonTolerations: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];
const networkUnavailable: Toleration = {
  key: 'node.kubernetes.io/network-unavailable',
  operator: 'Exists',
  effect: 'NoSchedule',
};

export function withDaemonTolerations(spec: PodSpec | undefined): Toleration[] {
  const out = [...(spec?.tolerations ?? [])];
  const extra = spec?.hostNetwork ? [...daemonTolerations, networkUnavailable] : daemonTolerations;
  for (const t of extra) if (!out.some((o) => o.key === t.key && o.effect === t.effect)) out.push(t);
  return out;
}

/** Whether a new daemon pod belongs on this node (upstream NodeShouldRunDaemonPod's predicates). */
export function shouldRunOn(ds: DS, node: NodeObj): boolean {
  const spec = ds.spec?.template?.spec;
  if (!nodeMatchesPodSelectors(spec, node)) return false;
  return untoleratedTaint(withDaemonTolerations(spec), node) === undefined;
}

/** Whether a daemon pod already there may stay: only an untolerated NoExecute taint evicts it. */
export function shouldContinueRunningOn(ds: DS, node: NodeObj): boolean {
  const spec = ds.spec?.template?.spec;
  if (!nodeMatchesPodSelectors(spec, node)) return false;
  const taint = untoleratedTaint(withDaemonTolerations(spec), node, ['NoExecute']);
  return taint === undefined;
}

/** The node a daemon pod is bound to, or pinned to by its node affinity. */
export function nodeOfPod(p: PodObj): string | undefined {
  if (p.spec?.nodeName) return p.spec.nodeName;
  for (const term of p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
    ?.nodeSelectorTerms ?? [])
    for (const f of term.matchFields ?? [])
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  return undefined;
}

/** The template's affinity with every term pinned to `node` (upstream ReplaceDaemonSetPodNodeNameNodeAffinity). */
function pinToNode(spec: PodSpec, node: string): void {
  const pin = { key: 'metadata.name', operator: 'In' as const, values: [node] };
  const na = spec.affinity?.nodeAffinity;
  const terms = na?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const pinned = terms.length
    ? terms.map((t) => ({
        ...t,
        matchFields: [...(t.matchFields ?? []).filter((f) => f.key !== 'metadata.name'), pin],
      }))
    : [{ matchFields: [pin] }];
  spec.affinity = {
    ...spec.affinity,
    nodeAffinity: { ...na, requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: pinned } },
  };
}

export class DaemonSetController extends QueueController {
  private readonly dsInformer: SharedIndexInformer<DS>;
  private readonly podInformer: SharedIndexInformer<PodObj>;
  private readonly nodeInformer: SharedIndexInformer<NodeObj>;
  private readonly revInformer: SharedIndexInformer<Revision>;

  constructor(config: ControllerConfig) {
    super('daemonset', config);
    this.dsInformer = this.informers.informerFor<DS>('apps/v1', 'DaemonSet');
    this.podInformer = this.informers.informerFor<PodObj>('v1', 'Pod');
    this.nodeInformer = this.informers.informerFor<NodeObj>('v1', 'Node');
    this.revInformer = this.informers.informerFor<Revision>('apps/v1', 'ControllerRevision');
    this.dsInformer.addEventHandler({
      onAdd: (d) => this.enqueue(d),
      onUpdate: (_o, d) => this.enqueue(d),
      onDelete: (d) => this.enqueue(d),
    });
    const podChanged = (p: PodObj) => {
      const ref = controllerRefOf(p);
      if (ref?.kind === 'DaemonSet') this.enqueue(`${p.metadata!.namespace}/${ref.name}`);
    };
    this.podInformer.addEventHandler({
      onAdd: podChanged,
      onUpdate: (_o, p) => podChanged(p),
      onDelete: podChanged,
    });
    // A node added, relabelled or retainted may change where every daemon should run.
    const nodeChanged = (old: NodeObj | undefined, n: NodeObj) => {
      if (
        old &&
        canonicalJson([old.metadata?.labels, old.spec?.taints]) ===
          canonicalJson([n.metadata?.labels, n.spec?.taints])
      )
        return;
      for (const d of this.dsInformer.list()) this.enqueue(d);
    };
    this.nodeInformer.addEventHandler({
      onAdd: (n) => nodeChanged(undefined, n),
      onUpdate: (o, n) => nodeChanged(o, n),
      onDelete: (n) => nodeChanged(undefined, n),
    });
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.dsInformer.get(key);
    if (!cached) return;
    const ds = structuredClone(cached);
    const ns = ds.metadata!.namespace!;
    let selector: LabelMatcher;
    try {
      selector = labelSelectorAsMatcher(ds.spec?.selector);
    } catch (err) {
      this.recorder.event(ds, 'Warning', 'InvalidSelector', `Invalid selector: ${(err as Error).message}`);
      return;
    }
    const pods = await claimObjects({
      owner: ds,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'DaemonSet',
      selector,
      candidates: this.podInformer.byIndex('namespace', ns),
      resource: this.client.resource<PodObj>('v1', 'Pod'),
    });
    if (ds.metadata?.deletionTimestamp) return;
    const revisions = this.revInformer
      .byIndex('namespace', ns)
      .filter((r) => controllerRefOf(r)?.uid === ds.metadata!.uid);
    const { revision, collisionCount } = await ensureRevision({
      client: this.client,
      owner: ds,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'DaemonSet',
      revisions,
      template: ds.spec?.template,
      collisionCount: ds.status?.collisionCount ?? 0,
    });
    const hash = revision.metadata!.labels![revisionHashLabel]!;

    const nodes = this.nodeInformer.list();
    const byNode = new Map<string, PodObj[]>();
    for (const p of pods) {
      const n = nodeOfPod(p);
      if (!n) continue;
      byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    const create: string[] = [];
    const remove: PodObj[] = [];
    for (const node of nodes) {
      const name = node.metadata!.name!;
      const mine = (byNode.get(name) ?? []).filter((p) => !p.metadata?.deletionTimestamp);
      byNode.delete(name);
      const run = shouldRunOn(ds, node);
      if (!run && !shouldContinueRunningOn(ds, node)) {
        remove.push(...mine);
        continue;
      }
      if (!run) continue;
      const failed = mine.filter((p) => p.status?.phase === 'Failed');
      remove.push(...failed);
      const running = mine.filter((p) => !isPodTerminal(p));
      if (running.length === 0) create.push(name);
      else if (running.length > 1) {
        // Keep the oldest (the updated one when surging); extras go.
        const sorted = running.sort((a, b) =>
          a.metadata!.creationTimestamp! < b.metadata!.creationTimestamp! ? -1 : 1,
        );
        const keepNew =
          sorted.some((p) => p.metadata?.labels?.[podRevisionLabel] === hash) && this.surge(ds) > 0;
        if (!keepNew) remove.push(...sorted.slice(1));
      }
    }
    // Pods on nodes that no longer exist.
    for (const orphaned of byNode.values())
      remove.push(...orphaned.filter((p) => !p.metadata?.deletionTimestamp));

    for (const n of create) await this.createPod(ds, n, hash);
    for (const p of remove) await this.deletePod(ds, p);
    if (
      create.length === 0 &&
      remove.length === 0 &&
      (ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate'
    )
      await this.rollingUpdate(ds, nodes, pods, hash);

    const live = new Set(pods.map((p) => `${ds.metadata!.name}-${p.metadata?.labels?.[podRevisionLabel]}`));
    live.add(revision.metadata!.name!);
    await truncateHistory(
      this.client,
      [...revisions.filter((r) => r.metadata!.name !== revision.metadata!.name), revision],
      live,
      ds.spec?.revisionHistoryLimit ?? 10,
    );
    await this.writeStatus(ds, this.computeStatus(ds, nodes, pods, hash, collisionCount));
  }

  private surge(ds: DS): number {
    const ru = ds.spec?.updateStrategy?.rollingUpdate;
    const desired = this.nodeInformer.list().filter((n) => shouldRunOn(ds, n)).length;
    return scaledValueFromIntOrPercent(ru?.maxSurge ?? 0, desired, true);
  }

  /** Replace old pods: at most maxUnavailable nodes without an available pod (or surge first). */
  private async rollingUpdate(ds: DS, nodes: NodeObj[], pods: PodObj[], hash: string): Promise<void> {
    const eligible = nodes.filter((n) => shouldRunOn(ds, n)).map((n) => n.metadata!.name!);
    const ru = ds.spec?.updateStrategy?.rollingUpdate;
    const surge = scaledValueFromIntOrPercent(ru?.maxSurge ?? 0, eligible.length, true);
    let maxUnavailable = scaledValueFromIntOrPercent(ru?.maxUnavailable ?? 1, eligible.length, surge === 0);
    if (surge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    const now = this.clock.now();
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const live = pods.filter((p) => !p.metadata?.deletionTimestamp && !isPodTerminal(p));
    const onNode = (n: string) => live.filter((p) => nodeOfPod(p) === n);
    let unavailable = 0;
    const oldAvailable: PodObj[] = [];
    const oldUnavailable: PodObj[] = [];
    for (const n of eligible) {
      const ps = onNode(n);
      const fresh = ps.find((p) => p.metadata?.labels?.[podRevisionLabel] === hash);
      const old = ps.filter((p) => p.metadata?.labels?.[podRevisionLabel] !== hash);
      const available = ps.some((p) => isPodAvailable(p, minReady, now));
      if (!available) unavailable++;
      if (old.length === 0) continue;
      if (surge > 0) {
        // Surge: start the new pod first; drop the old one once the new one is available.
        if (!fresh) oldAvailable.push(old[0]!);
        else if (isPodAvailable(fresh, minReady, now)) for (const o of old) await this.deletePod(ds, o);
        else {
          const wait = msUntilAvailable(fresh, minReady, now);
          if (wait !== undefined) this.enqueueAfter(metaNamespaceKey(ds), wait + 100);
        }
        continue;
      }
      for (const o of old) (isPodAvailable(o, minReady, now) ? oldAvailable : oldUnavailable).push(o);
    }
    if (surge > 0) {
      const surging = eligible.filter((n) => onNode(n).length > 1).length;
      for (const old of oldAvailable.slice(0, Math.max(0, surge - surging)))
        await this.createPod(ds, nodeOfPod(old)!, hash);
      return;
    }
    for (const o of oldUnavailable) await this.deletePod(ds, o);
    for (const o of oldAvailable.slice(0, Math.max(0, maxUnavailable - unavailable)))
      await this.deletePod(ds, o);
  }

  private async createPod(ds: DS, node: string, hash: string): Promise<void> {
    const pod = podFromTemplate({
      template: ds.spec?.template,
      namespace: ds.metadata!.namespace!,
      ownerRef: newControllerRef(ds, 'apps/v1', 'DaemonSet'),
      generateName: `${ds.metadata!.name}-`,
      extraLabels: {
        [podRevisionLabel]: hash,
        [templateGenerationLabel]: String(ds.metadata?.generation ?? 1),
      },
    });
    pod.spec = { ...pod.spec! };
    pinToNode(pod.spec, node);
    pod.spec.tolerations = withDaemonTolerations(pod.spec);
    try {
      const created = await this.client
        .resource<PodObj>('v1', 'Pod')
        .namespace(ds.metadata!.namespace!)
        .create(pod);
      this.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata!.name}`);
    } catch (err) {
      this.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  private async deletePod(ds: DS, pod: PodObj): Promise<void> {
    try {
      await this.client
        .resource<PodObj>('v1', 'Pod')
        .namespace(ds.metadata!.namespace!)
        .delete(pod.metadata!.name!, { preconditions: { uid: pod.metadata!.uid } });
      this.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata!.name}`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private computeStatus(
    ds: DS,
    nodes: NodeObj[],
    pods: PodObj[],
    hash: string,
    collisionCount: number,
  ): DaemonSetStatus {
    const now = this.clock.now();
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const live = pods.filter((p) => !p.metadata?.deletionTimestamp && !isPodTerminal(p));
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    for (const node of nodes) {
      const ps = live.filter((p) => nodeOfPod(p) === node.metadata!.name);
      if (!shouldRunOn(ds, node)) {
        if (ps.length > 0) misscheduled++;
        continue;
      }
      desired++;
      if (ps.length === 0) continue;
      current++;
      if (ps.some(isPodReady)) ready++;
      if (ps.some((p) => isPodAvailable(p, minReady, now))) available++;
      if (ps.some((p) => p.metadata?.labels?.[podRevisionLabel] === hash)) updated++;
    }
    return {
      observedGeneration: ds.metadata?.generation,
      desiredNumberScheduled: desired,
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      numberReady: ready,
      numberAvailable: available,
      numberUnavailable: desired - available,
      updatedNumberScheduled: updated,
      ...(collisionCount ? { collisionCount } : {}),
    };
  }

  private async writeStatus(ds: DS, status: DaemonSetStatus): Promise<void> {
    const next = { ...ds.status, ...status };
    if (canonicalJson(ds.status ?? {}) === canonicalJson(next)) return;
    try {
      await this.client
        .resource<DS>('apps/v1', 'DaemonSet')
        .namespace(ds.metadata!.namespace!)
        .updateStatus({ ...ds, status: next });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
