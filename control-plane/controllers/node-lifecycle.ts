// The node lifecycle controller (upstream pkg/controller/nodelifecycle):
//  - health: a node is alive while its Lease in kube-node-lease is renewed or its Ready
//    condition's heartbeat moves. Silence for node-monitor-grace-period (40 s by default) turns
//    Ready, MemoryPressure, DiskPressure and PIDPressure Unknown ("Kubelet stopped posting node
//    status."), records NodeNotReady, and marks the node's pods Ready=False. Times are our own
//    observations on our clock, never the node's timestamps, so clock skew does not matter.
//  - taints: NoSchedule and NoExecute `node.kubernetes.io/not-ready` (Ready False) or
//    `.../unreachable` (Ready Unknown), NoSchedule for unschedulable nodes and pressure
//    conditions; removed once the node is healthy again. The taint eviction controller acts on
//    the NoExecute ones.
// Nothing polls: every heartbeat re-arms a delayed queue entry at the moment the node would
// expire, and the check runs then.
import { isConflict, isNotFound, type KubeObject, type SharedIndexInformer } from '../../api/client/index.ts';
import type { Lease, Node, NodeCondition, Pod, Taint } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import { rfc3339Seconds } from '../../api/client/event-recorder.ts';

type NodeObj = Kube<Node>;
type PodObj = Kube<Pod>;

export const notReadyTaintKey = 'node.kubernetes.io/not-ready';
export const unreachableTaintKey = 'node.kubernetes.io/unreachable';
export const unschedulableTaintKey = 'node.kubernetes.io/unschedulable';
const pressureTaints: Record<string, string> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
  NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
};
/** Taints this controller owns: it adds and removes only these. */
const ownedTaintKeys = new Set([
  notReadyTaintKey,
  unreachableTaintKey,
  unschedulableTaintKey,
  ...Object.values(pressureTaints),
]);
/** Conditions set Unknown when the node goes silent (upstream's list). */
const silencedConditions = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export const nodeLeaseNamespace = 'kube-node-lease';

export interface NodeLifecycleControllerConfig extends ControllerConfig {
  /** --node-monitor-grace-period: silence before a node is Unknown. Default 40 s. */
  nodeMonitorGracePeriodMs?: number;
}

interface Health {
  /** When we last saw a sign of life, on our clock. */
  probeAt: number;
  leaseRenewTime?: string;
  heartbeat?: string;
}

const readyOf = (node: NodeObj) => node.status?.conditions?.find((c) => c.type === 'Ready');

/** The taints this controller wants on the node, from its conditions and spec. */
export function desiredTaints(node: NodeObj): Taint[] {
  const out: Taint[] = [];
  const ready = readyOf(node)?.status;
  if (ready === 'False')
    out.push({ key: notReadyTaintKey, effect: 'NoSchedule' }, { key: notReadyTaintKey, effect: 'NoExecute' });
  if (ready === 'Unknown')
    out.push(
      { key: unreachableTaintKey, effect: 'NoSchedule' },
      { key: unreachableTaintKey, effect: 'NoExecute' },
    );
  if (node.spec?.unschedulable) out.push({ key: unschedulableTaintKey, effect: 'NoSchedule' });
  for (const c of node.status?.conditions ?? []) {
    const key = pressureTaints[c.type];
    if (key && c.status === 'True') out.push({ key, effect: 'NoSchedule' });
  }
  return out;
}

const taintId = (t: Taint) => `${t.key}:${t.effect}`;

/** The node's taints with ours made to match `desired`; undefined when nothing changes. */
export function reconcileTaints(
  current: readonly Taint[],
  desired: readonly Taint[],
  now: string,
): Taint[] | undefined {
  const want = new Map(desired.map((t) => [taintId(t), t]));
  const have = new Map(current.filter((t) => ownedTaintKeys.has(t.key)).map((t) => [taintId(t), t]));
  const same = want.size === have.size && [...want.keys()].every((k) => have.has(k));
  if (same) return undefined;
  const kept = current.filter((t) => !ownedTaintKeys.has(t.key) || want.has(taintId(t)));
  for (const [id, t] of want)
    if (!have.has(id)) kept.push(t.effect === 'NoExecute' ? { ...t, timeAdded: now } : t);
  return kept;
}

export class NodeLifecycleController extends QueueController {
  readonly gracePeriodMs: number;
  private readonly nodes: SharedIndexInformer<NodeObj>;
  private readonly pods: SharedIndexInformer<PodObj>;
  private readonly health = new Map<string, Health>();

  constructor(config: NodeLifecycleControllerConfig) {
    super('nodelifecycle', config);
    this.gracePeriodMs = config.nodeMonitorGracePeriodMs ?? 40_000;
    if (!(this.gracePeriodMs > 0))
      throw new Error('nodelifecycle: nodeMonitorGracePeriodMs must be positive');
    this.nodes = this.informers.informerFor<NodeObj>('v1', 'Node');
    this.pods = this.informers.informerFor<PodObj>('v1', 'Pod', {
      indexers: { nodeName: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) },
    });
    const leases = this.informers.informerFor<Kube<Lease>>('coordination.k8s.io/v1', 'Lease', {
      namespace: nodeLeaseNamespace,
    });

    this.nodes.addEventHandler({
      onAdd: (node) => {
        this.observeHeartbeat(node);
        this.recorder.event(
          node,
          'Normal',
          'RegisteredNode',
          `Node ${node.metadata!.name} event: Registered Node ${node.metadata!.name} in Controller`,
        );
        this.enqueue(node.metadata!.name!);
      },
      onUpdate: (_old, node) => {
        this.observeHeartbeat(node);
        this.enqueue(node.metadata!.name!);
      },
      onDelete: (node) => {
        this.health.delete(node.metadata!.name!);
        this.recorder.event(
          node,
          'Normal',
          'RemovingNode',
          `Node ${node.metadata!.name} event: Removing Node ${node.metadata!.name} from Controller`,
        );
      },
    });
    leases.addEventHandler({
      onAdd: (lease) => this.observeLease(lease),
      onUpdate: (_old, lease) => this.observeLease(lease),
    });
  }

  private healthOf(name: string): Health {
    let h = this.health.get(name);
    if (!h) {
      // First sight: a full grace period from now, like upstream after a restart.
      h = { probeAt: this.clock.now() };
      this.health.set(name, h);
    }
    return h;
  }

  private observeHeartbeat(node: NodeObj): void {
    const h = this.healthOf(node.metadata!.name!);
    const beat = readyOf(node)?.lastHeartbeatTime ?? undefined;
    if (beat && beat !== h.heartbeat) {
      h.heartbeat = beat;
      h.probeAt = this.clock.now();
    }
  }

  private observeLease(lease: KubeObject): void {
    const name = lease.metadata?.name;
    if (!name) return;
    const h = this.healthOf(name);
    const renew = lease.spec?.renewTime;
    if (renew && renew !== h.leaseRenewTime) {
      h.leaseRenewTime = renew;
      h.probeAt = this.clock.now();
      this.enqueueAfter(name, this.gracePeriodMs);
    }
  }

  protected async sync(name: string): Promise<void> {
    const cached = this.nodes.get(name);
    if (!cached) return;
    const h = this.healthOf(name);
    let node = cached;
    const silentFor = this.clock.now() - h.probeAt;
    if (silentFor >= this.gracePeriodMs) {
      node = await this.markUnknown(node);
    } else {
      // Look again the moment it would expire (a newer heartbeat re-arms it).
      this.enqueueAfter(name, this.gracePeriodMs - silentFor + 1);
    }
    await this.syncTaints(node);
    if (readyOf(node)?.status === 'Unknown') await this.markPodsNotReady(node);
  }

  /** Upstream tryUpdateNodeHealth for a node that stopped posting status. */
  private async markUnknown(node: NodeObj): Promise<NodeObj> {
    const already = silencedConditions.every(
      (t) => node.status?.conditions?.find((c) => c.type === t)?.status === 'Unknown',
    );
    if (already) return node;
    const now = rfc3339Seconds(this.clock.now());
    const conditions: NodeCondition[] = [...(node.status?.conditions ?? [])];
    for (const type of silencedConditions) {
      const i = conditions.findIndex((c) => c.type === type);
      if (i === -1) {
        conditions.push({
          type,
          status: 'Unknown',
          reason: 'NodeStatusNeverUpdated',
          message: 'Kubelet never posted node status.',
          lastHeartbeatTime: node.metadata?.creationTimestamp,
          lastTransitionTime: now,
        });
      } else if (conditions[i]!.status !== 'Unknown') {
        conditions[i] = {
          ...conditions[i]!,
          status: 'Unknown',
          reason: 'NodeStatusUnknown',
          message: 'Kubelet stopped posting node status.',
          lastTransitionTime: now,
        };
      }
    }
    const wasReady = readyOf(node)?.status === 'True';
    try {
      const updated = (await this.client
        .resource<NodeObj>('v1', 'Node')
        .updateStatus({ ...node, status: { ...node.status, conditions } })) as NodeObj;
      this.logger.info('node stopped posting status', { node: node.metadata!.name });
      if (wasReady)
        this.recorder.event(
          node,
          'Normal',
          'NodeNotReady',
          `Node ${node.metadata!.name} status is now: NodeNotReady`,
        );
      return updated;
    } catch (err) {
      if (isNotFound(err)) return node;
      throw err;
    }
  }

  private async syncTaints(node: NodeObj): Promise<void> {
    const taints = reconcileTaints(
      node.spec?.taints ?? [],
      desiredTaints(node),
      rfc3339Seconds(this.clock.now()),
    );
    if (!taints) return;
    try {
      await this.client.resource('v1', 'Node').patch(node.metadata!.name!, 'merge', {
        metadata: { uid: node.metadata?.uid, resourceVersion: node.metadata?.resourceVersion },
        spec: { taints: taints.length > 0 ? taints : null },
      });
      this.logger.info('node taints updated', {
        node: node.metadata!.name,
        taints: taints.map(taintId).join(','),
      });
    } catch (err) {
      // A newer version of the node is on its way to us; its event brings us back.
      if (isNotFound(err) || isConflict(err)) return;
      throw err;
    }
  }

  /** Upstream MarkPodsNotReady: the node can not vouch for its pods any more. */
  private async markPodsNotReady(node: NodeObj): Promise<void> {
    const name = node.metadata!.name!;
    for (const pod of this.pods.byIndex('nodeName', name)) {
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready?.status !== 'True' || pod.metadata?.deletionTimestamp) continue;
      const now = rfc3339Seconds(this.clock.now());
      const conditions = pod.status!.conditions!.map((c) =>
        c.type === 'Ready' ? { ...c, status: 'False' as const, lastTransitionTime: now } : c,
      );
      try {
        await this.client
          .resource<PodObj>('v1', 'Pod')
          .namespace(pod.metadata!.namespace!)
          .updateStatus({ ...pod, status: { ...pod.status, conditions } });
        this.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (err) {
        if (isNotFound(err)) continue;
        throw err;
      }
    }
  }
}
