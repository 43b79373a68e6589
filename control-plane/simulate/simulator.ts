// Simulated nodes (like kwok or kubemark's hollow nodes): N Node objects that register, renew
// their Leases, and move the pods bound to them through their lifecycle by writing pod status,
// without running anything. A node can "fail": it goes silent (no heartbeats, no status), so the
// node lifecycle controller sees it die. One pod informer and one node informer serve every
// node, so a thousand nodes fit in one process.
import {
  isAlreadyExists,
  metaNamespaceKey,
  isConflict,
  isNotFound,
  RateLimitingQueue,
  realClock,
  runWorkers,
  SharedInformerFactory,
  silentLogger,
  type Client,
  type Clock,
  type KubeObject,
  type Logger,
  type SharedIndexInformer,
} from '../../api/client/index.ts';
import { tryParseQuantity } from '../../api/quantity.ts';
import type { Node, Pod } from '../../api/types/index.ts';
import {
  nodeAddress,
  nodeName,
  readyConditions,
  simulatedNode,
  defaultZones,
  type NodeShape,
} from './node-template.ts';
import { NodeLeases } from './node-leases.ts';
import { childSignal } from '../scheduler/child-signal.ts';
import { ApiEventRecorder, type EventRecorder } from '../../api/client/event-recorder.ts';
import { rfc3339 } from '../controllers/pod-utils.ts';
import { containerEvents, killingEvents, type PodEvent } from './pod-events.ts';
import { nextTransition } from './pod-lifecycle.ts';
import { fallbackPodCIDR, PodIPAllocator } from './pod-ips.ts';

type Obj<T> = T & KubeObject;

const podRef = (pod: Obj<Pod>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata });

export interface SimulatorConfig {
  client: Client;
  /** How many nodes to register. */
  count: number;
  /** Node names are prefix + 1..count. Default `sim-`. */
  prefix?: string;
  /** Capacity of every node. Defaults 4 CPUs, 8Gi, 110 pods. */
  cpu?: string;
  memory?: string;
  pods?: number;
  /** Zones handed out round-robin. Default zone-a, zone-b, zone-c. */
  zones?: string[];
  /** Extra labels for every node. */
  labels?: Record<string, string>;
  /** Nodes that are registered but silent from the start, as if dead (names or 1-based indexes). */
  failed?: string[];
  /** Shared informers (the pod informer is shared with whoever else uses the factory). */
  informers?: SharedInformerFactory;
  clock?: Clock;
  logger?: Logger;
  renewIntervalMs?: number;
  leaseDurationSeconds?: number;
  /** How often a healthy node re-reports its status (heartbeat). Default 5 minutes, like the kubelet. */
  nodeStatusReportMs?: number;
  /** How long containers stay in ContainerCreating. Default 0. */
  containerCreatingMs?: number;
  /** Move pods through their lifecycle (default true); off, pods stay as the scheduler left them. */
  podLifecycle?: boolean;
  /** Record the events a kubelet would (Pulled, Started, Killing, NodeReady, ...). Default true. */
  events?: boolean;
  /** Pod status writes in flight at once. Default 8. */
  workers?: number;
}

interface SimNode {
  name: string;
  index: number;
  uid: string;
  ip: string;
  ips: PodIPAllocator;
  failed: boolean;
}

export class NodeSimulator {
  readonly informers: SharedInformerFactory;
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly prefix: string;
  private readonly shape: NodeShape;
  private readonly nodes = new Map<string, SimNode>();
  private readonly leases: NodeLeases;
  private readonly podQueue: RateLimitingQueue<string>;
  private readonly nodeQueue: RateLimitingQueue<string>;
  private readonly pods: SharedIndexInformer<Obj<Pod>>;
  private readonly nodeInformer: SharedIndexInformer<Obj<Node>>;
  /** Our own last write per pod: newer than the informer's copy until the watch catches up. */
  private readonly written = new Map<string, Obj<Pod>>();
  private readonly reportMs: number;
  private readonly creatingMs: number;
  private readonly lifecycle: boolean;
  private readonly workers: number;
  /** One kubelet event recorder per node (its `source.host`), made on first use. */
  private readonly recorders = new Map<string, EventRecorder>();
  private nextIndex = 1;
  private runs: Promise<unknown>[] = [];
  private signal: AbortSignal | undefined;

  constructor(readonly config: SimulatorConfig) {
    if (!config?.client) throw new Error('simulator: config.client is required');
    if (!Number.isInteger(config.count) || config.count < 0)
      throw new Error(`simulator: count must be a whole number >= 0, got ${config.count}`);
    const pods = config.pods ?? 110;
    if (!Number.isInteger(pods) || pods < 1)
      throw new Error(`simulator: pods must be a positive integer, got ${pods}`);
    for (const [what, q] of [
      ['cpu', config.cpu],
      ['memory', config.memory],
    ] as const) {
      if (q !== undefined && tryParseQuantity(q) === undefined)
        throw new Error(
          `simulator: ${what} "${q}" is not a quantity (e.g. ${what === 'cpu' ? '4 or 500m' : '8Gi'})`,
        );
    }
    this.prefix = config.prefix ?? 'sim-';
    if (!/^[a-z0-9]([-a-z0-9.]*)?$/.test(this.prefix))
      throw new Error(
        `simulator: prefix "${this.prefix}" does not make valid node names (lower case, digits, - and .)`,
      );
    this.shape = {
      cpu: config.cpu ?? '4',
      memory: config.memory ?? '8Gi',
      pods,
      zones: config.zones && config.zones.length > 0 ? config.zones : defaultZones,
      labels: config.labels,
    };
    this.client = config.client;
    this.clock = config.clock ?? realClock;
    this.logger = config.logger ?? silentLogger;
    this.reportMs = config.nodeStatusReportMs ?? 5 * 60_000;
    this.creatingMs = config.containerCreatingMs ?? 0;
    this.lifecycle = config.podLifecycle ?? true;
    this.workers = config.workers ?? 8;
    this.informers =
      config.informers ?? new SharedInformerFactory(this.client, { clock: this.clock, logger: this.logger });
    this.leases = new NodeLeases({
      client: this.client,
      clock: this.clock,
      logger: this.logger,
      renewIntervalMs: config.renewIntervalMs,
      leaseDurationSeconds: config.leaseDurationSeconds,
    });
    this.podQueue = new RateLimitingQueue<string>({ clock: this.clock });
    this.nodeQueue = new RateLimitingQueue<string>({ clock: this.clock });
    this.pods = this.informers.informerFor<Obj<Pod>>('v1', 'Pod');
    this.nodeInformer = this.informers.informerFor<Obj<Node>>('v1', 'Node');
    const onPod = (p: Obj<Pod>) => {
      if (this.nodes.has(p.spec?.nodeName ?? '')) this.podQueue.add(metaNamespaceKey(p));
    };
    this.pods.addEventHandler({
      onAdd: onPod,
      onUpdate: (_o, p) => onPod(p),
      onDelete: (p) => {
        const key = metaNamespaceKey(p);
        this.written.delete(key);
        this.nodes.get(p.spec?.nodeName ?? '')?.ips.release(key);
      },
    });
    const onNode = (n: Obj<Node>) => {
      if (this.nodes.has(n.metadata?.name ?? '')) this.nodeQueue.add(n.metadata!.name!);
    };
    this.nodeInformer.addEventHandler({ onAdd: onNode, onUpdate: (_o, n) => onNode(n) });
  }

  /** Names of the simulated nodes, by number (registration runs concurrently, so not by arrival). */
  get names(): string[] {
    return [...this.nodes.values()].sort((a, b) => a.index - b.index).map((n) => n.name);
  }

  /** Register the nodes and start everything; resolves once they are registered and the caches synced. */
  async start(parent: AbortSignal): Promise<void> {
    if (this.signal) throw new Error('simulator: already started');
    const signal = (this.signal = childSignal(parent));
    const failed = new Set(
      (this.config.failed ?? []).map((f) => (/^\d+$/.test(f) ? nodeName(this.prefix, Number(f)) : f)),
    );
    await this.register(this.config.count, failed);
    this.informers.start(signal);
    await this.informers.waitForCacheSync({ signal });
    this.leases.start(signal);
    const onError = (what: string) => (key: string, err: unknown, attempts: number) =>
      this.logger.warn(`${what} failed; retrying`, { key, attempts, error: err });
    this.runs.push(
      runWorkers({
        queue: this.podQueue,
        workers: this.workers,
        signal,
        sync: (k) => this.syncPod(k),
        onError: onError('pod sync'),
      }),
      runWorkers({
        queue: this.nodeQueue,
        workers: 2,
        signal,
        sync: (k) => this.syncNode(k),
        onError: onError('node status'),
      }),
    );
    this.logger.info('simulated nodes ready', { nodes: this.nodes.size, failed: failed.size });
  }

  /** Resolves once stopped (after the start signal aborts) and in-flight writes have finished. */
  async stopped(): Promise<void> {
    await Promise.all(this.runs);
    await this.leases.settled();
  }

  /** Register `count` more nodes (numbered after the existing ones); returns their names. */
  async addNodes(count: number): Promise<string[]> {
    const before = new Set(this.nodes.keys());
    await this.register(count, new Set());
    return this.names.filter((n) => !before.has(n));
  }

  /** The node goes silent: no more heartbeats, no more pod or node status. Resolves once it is silent. */
  async fail(name: string): Promise<void> {
    const node = this.requireNode(name);
    node.failed = true;
    this.logger.info('node failed (silent from now on)', { node: name });
    await this.leases.remove(name);
  }

  /** The node comes back: heartbeats resume, it reports Ready and catches up on its pods. */
  async recover(name: string): Promise<void> {
    const node = this.requireNode(name);
    if (!node.failed) return;
    node.failed = false;
    await this.leases.add(name, node.uid);
    this.nodeQueue.add(name);
    for (const p of this.pods.list()) if (p.spec?.nodeName === name) this.podQueue.add(metaNamespaceKey(p));
  }

  isFailed(name: string): boolean {
    return this.requireNode(name).failed;
  }

  private record(nodeName: string, obj: KubeObject, events: readonly PodEvent[]): void {
    if (events.length === 0 || this.config.events === false) return;
    let r = this.recorders.get(nodeName);
    if (!r) {
      r = new ApiEventRecorder({
        client: this.client,
        component: 'kubelet',
        host: nodeName,
        clock: this.clock,
        logger: this.logger,
      });
      this.recorders.set(nodeName, r);
    }
    for (const e of events) r.event(obj, e.type, e.reason, e.message);
  }

  private requireNode(name: string): SimNode {
    const node = this.nodes.get(name);
    if (!node)
      throw new Error(
        `no simulated node named "${name}" (have: ${this.names.slice(0, 5).join(', ')}${this.nodes.size > 5 ? ', ...' : ''})`,
      );
    return node;
  }

  private async register(count: number, failed: ReadonlySet<string>): Promise<void> {
    const indexes = Array.from({ length: count }, () => this.nextIndex++);
    const concurrency = 16;
    let i = 0;
    const worker = async () => {
      while (i < indexes.length) {
        const index = indexes[i++]!;
        await this.registerOne(index, failed.has(nodeName(this.prefix, index)));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, indexes.length) }, worker));
  }

  private async registerOne(index: number, failed: boolean): Promise<void> {
    const name = nodeName(this.prefix, index);
    const nodes = this.client.resource<Obj<Node>>('v1', 'Node');
    const desired = simulatedNode(name, index - 1, this.shape, rfc3339(this.clock.now())) as Obj<Node>;
    let node: Obj<Node>;
    try {
      node = await nodes.create(desired);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      node = await nodes.get(name);
      // Back again: report Ready (unless it is meant to stay dead).
      if (!failed) node = await nodes.updateStatus({ ...node, status: this.freshStatus(node) });
    }
    const sim: SimNode = {
      name,
      index,
      uid: node.metadata?.uid ?? '',
      ip: nodeAddress(index - 1),
      ips: new PodIPAllocator(node.spec?.podCIDR ?? fallbackPodCIDR(index - 1)),
      failed,
    };
    this.nodes.set(name, sim);
    if (failed) return;
    await this.leases.add(name, sim.uid);
    this.record(name, { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } }, [
      { type: 'Normal', reason: 'Starting', message: 'Starting kubelet.' },
      { type: 'Normal', reason: 'NodeReady', message: `Node ${name} status is now: NodeReady` },
    ]);
  }

  /** The node's status with Ready=True and fresh heartbeats, keeping transition times where nothing changed. */
  private freshStatus(node: Node): Node['status'] {
    const nowIso = rfc3339(this.clock.now());
    const fresh = readyConditions(nowIso).map((c) => {
      const old = node.status?.conditions?.find((o) => o.type === c.type);
      return old?.status === c.status && old.lastTransitionTime
        ? { ...c, lastTransitionTime: old.lastTransitionTime }
        : c;
    });
    const template = simulatedNode(node.metadata?.name ?? '', 0, this.shape, nowIso).status!;
    return {
      ...node.status,
      ...template,
      addresses: node.status?.addresses ?? template.addresses,
      conditions: fresh,
    };
  }

  private async syncNode(name: string): Promise<void> {
    const sim = this.nodes.get(name);
    const node = this.nodeInformer.get(name);
    if (!sim || !node || sim.failed || this.signal?.aborted) return;
    if (node.spec?.podCIDR) sim.ips.setCidr(node.spec.podCIDR);
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const beat = Date.parse(ready?.lastHeartbeatTime ?? '');
    // Nodes registered together would all report at once: spread them over a tenth of the period.
    const due = Number.isNaN(beat) ? 0 : beat + this.reportMs * (1 + (sim.index % 100) / 1000);
    if (ready?.status === 'True' && this.clock.now() < due) {
      this.nodeQueue.addAfter(name, due - this.clock.now());
      return;
    }
    try {
      await this.client
        .resource<Obj<Node>>('v1', 'Node')
        .updateStatus({ ...node, status: this.freshStatus(node) });
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) return; // a newer version (or none) comes through the informer
      throw err;
    }
  }

  private async syncPod(key: string): Promise<void> {
    if (this.signal?.aborted) return;
    let pod = this.pods.get(key);
    const mine = this.written.get(key);
    if (pod && mine && Number(mine.metadata?.resourceVersion) > Number(pod.metadata?.resourceVersion))
      pod = mine;
    else this.written.delete(key);
    if (!pod) return;
    const node = this.nodes.get(pod.spec?.nodeName ?? '');
    if (!node || node.failed) return;
    const pods = this.client.resource<Obj<Pod>>('v1', 'Pod').namespace(pod.metadata!.namespace!);
    if (pod.metadata?.deletionTimestamp) {
      // The containers are "stopped" at once; finish the deletion like the kubelet does.
      this.record(node.name, podRef(pod), killingEvents(pod));
      try {
        await pods.delete(pod.metadata.name!, {
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata.uid },
        });
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
      node.ips.release(key);
      return;
    }
    if (!this.lifecycle) return;
    if (pod.status?.podIP && pod.status.podIP !== node.ip) node.ips.reserve(key, pod.status.podIP);
    const now = this.clock.now();
    const t = nextTransition(pod, {
      now,
      hostIP: node.ip,
      podIP: () => node.ips.allocate(key),
      creatingMs: this.creatingMs,
    });
    if (t.status) {
      try {
        const updated = await pods.updateStatus({ ...pod, status: t.status });
        this.written.set(key, updated);
        this.record(node.name, podRef(pod), containerEvents(pod, pod.status, t.status));
      } catch (err) {
        if (isConflict(err) || isNotFound(err)) return; // the informer brings the newer version
        throw err;
      }
      if (t.status.phase === 'Succeeded' || t.status.phase === 'Failed') node.ips.release(key);
    }
    if (t.wakeAt !== undefined) this.podQueue.addAfter(key, Math.max(0, t.wakeAt - now));
    else if (t.status) this.podQueue.add(key); // look again: the next stage may be due at once
  }
}
