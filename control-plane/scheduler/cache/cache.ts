// The scheduler's view of the cluster: every node with the pods on it and their running
// totals (upstream internal/cache). Pods the scheduler has just placed are "assumed": counted
// on their node at once, before the binding reaches the API server and comes back through the
// informer, so the next pod never lands in the room this one took. An assumed pod is confirmed
// when the informer reports it bound, forgotten if binding fails, and expires if the
// confirmation never comes.
//
// The node list interleaves zones (upstream's nodeTree), so scoring a sample of nodes still
// looks at every zone.
import { realClock, type Clock } from '../../../api/client/index.ts';
import type { Node, Pod } from '../../../api/types/index.ts';
import { NodeInfo } from '../framework/node-info.ts';
import { newPodInfo, podKey, updatedPodInfo, type PodInfo } from '../framework/pod-info.ts';

interface PodState {
  pi: PodInfo;
  nodeName: string;
  assumed: boolean;
  /** Set once binding finished, for assumed pods: when to give up waiting for the informer. */
  deadline?: number;
}

export interface CacheOptions {
  clock?: Clock;
  /** How long an assumed, bound pod waits for the informer to confirm it. Default 30 s. */
  assumedPodTtlMs?: number;
}

const zoneOf = (node: Node): string => {
  const l = node.metadata?.labels ?? {};
  return `${l['topology.kubernetes.io/region'] ?? ''}:${l['topology.kubernetes.io/zone'] ?? ''}`;
};

export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  /** Nodes that exist (infos may also hold pods of deleted nodes until those pods go). */
  private readonly present = new Set<string>();
  private readonly pods = new Map<string, PodState>();
  private list: NodeInfo[] | undefined;
  private readonly clock: Clock;
  private readonly ttl: number;

  constructor(opts: CacheOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.ttl = opts.assumedPodTtlMs ?? 30_000;
  }

  /** Existing nodes, zones interleaved; the array is reused until a node comes or goes. */
  nodes(): readonly NodeInfo[] {
    if (!this.list) this.list = interleaveZones([...this.present].map((n) => this.infos.get(n)!));
    return this.list;
  }

  node(name: string): NodeInfo | undefined {
    return this.present.has(name) ? this.infos.get(name) : undefined;
  }

  nodeCount(): number {
    return this.present.size;
  }

  podCount(): number {
    return this.pods.size;
  }

  /** Add or update a node. */
  addNode(node: Node): NodeInfo {
    const name = node.metadata?.name ?? '';
    let info = this.infos.get(name);
    if (info) {
      if (zoneOf(info.node) !== zoneOf(node)) this.list = undefined;
      info.setNode(node);
    } else {
      this.infos.set(name, (info = new NodeInfo(node)));
    }
    if (!this.present.has(name)) {
      this.present.add(name);
      this.list = undefined;
    }
    return info;
  }

  removeNode(name: string): void {
    if (!this.present.delete(name)) return;
    this.list = undefined;
    const info = this.infos.get(name);
    if (info && info.pods.size === 0) this.infos.delete(name);
  }

  isAssumed(key: string): boolean {
    return this.pods.get(key)?.assumed === true;
  }

  /** Count the pod on the node now, before the binding is confirmed. */
  assume(pi: PodInfo, nodeName: string): void {
    if (this.pods.has(pi.key)) throw new Error(`pod ${pi.key} is already in the scheduler cache`);
    const bound: PodInfo = { ...pi, pod: { ...pi.pod, spec: { ...pi.pod.spec!, nodeName } } };
    this.place(bound, nodeName);
    this.pods.set(pi.key, { pi: bound, nodeName, assumed: true });
  }

  /** The binding call returned: start waiting for the informer's confirmation. */
  finishBinding(key: string): void {
    const st = this.pods.get(key);
    if (st?.assumed) st.deadline = this.clock.now() + this.ttl;
  }

  /** Binding failed: give the room back. */
  forget(key: string): void {
    const st = this.pods.get(key);
    if (!st?.assumed) return;
    this.unplace(st);
    this.pods.delete(key);
  }

  /** A bound pod from the informer (confirms an assumed one). */
  addPod(pod: Pod): void {
    const key = podKey(pod);
    const nodeName = pod.spec?.nodeName ?? '';
    const st = this.pods.get(key);
    if (st) this.unplace(st);
    // Confirming an assumed pod (or an update of a bound one) reuses what was parsed from its spec.
    const pi = st ? updatedPodInfo(st.pi, pod) : newPodInfo(pod);
    this.place(pi, nodeName);
    this.pods.set(key, { pi, nodeName, assumed: false });
  }

  updatePod(pod: Pod): void {
    this.addPod(pod);
  }

  removePod(pod: Pod): void {
    const key = podKey(pod);
    const st = this.pods.get(key);
    if (!st) return;
    this.unplace(st);
    this.pods.delete(key);
  }

  /** Drop assumed pods whose confirmation is overdue; returns their keys. */
  cleanupExpiredAssumedPods(): string[] {
    const now = this.clock.now();
    const expired: string[] = [];
    for (const [key, st] of this.pods) {
      if (st.assumed && st.deadline !== undefined && st.deadline <= now) expired.push(key);
    }
    for (const key of expired) this.forget(key);
    return expired;
  }

  private place(pi: PodInfo, nodeName: string): void {
    let info = this.infos.get(nodeName);
    if (!info) {
      // The pod arrived before its node (or outlived it): keep its accounting under a placeholder.
      info = new NodeInfo({ metadata: { name: nodeName } });
      this.infos.set(nodeName, info);
    }
    info.addPod(pi);
  }

  private unplace(st: PodState): void {
    const info = this.infos.get(st.nodeName);
    if (!info) return;
    info.removePod(st.pi.key);
    if (info.pods.size === 0 && !this.present.has(st.nodeName)) this.infos.delete(st.nodeName);
  }
}

/** Round-robin over zones, nodes in name order within each (upstream nodeTree). */
function interleaveZones(nodes: NodeInfo[]): NodeInfo[] {
  const byZone = new Map<string, NodeInfo[]>();
  for (const n of nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const z = zoneOf(n.node);
    let list = byZone.get(z);
    if (!list) byZone.set(z, (list = []));
    list.push(n);
  }
  const zones = [...byZone.values()];
  const out: NodeInfo[] = [];
  for (let i = 0; out.length < nodes.length; i++) for (const z of zones) if (i < z.length) out.push(z[i]!);
  return out;
}
