// A node and the pods on it, with running totals so filters and scores are O(1) per node
// (upstream framework.NodeInfo): requested resources, the pods with (anti-)affinity, used host
// ports. The cache keeps one per node and updates it in place as pods come and go; preemption
// works on clones.
import type { Node, Taint } from '../../../api/types/index.ts';
import { hasAffinity, type HostPort, type PodInfo } from './pod-info.ts';
import { addTo, cloneResource, emptyResource, resourceFromList, type Resource } from './resource.ts';

export class NodeInfo {
  readonly pods = new Map<string, PodInfo>();
  /** Pods with any (anti-)affinity term: what InterPodAffinity must look at. */
  podsWithAffinity = 0;
  /** Pods with a required anti-affinity term: they can refuse newcomers. */
  podsWithRequiredAntiAffinity = 0;
  requested: Resource = emptyResource();
  nonZeroRequested: Resource = emptyResource();
  /** `TCP/8080` -> host IPs bound on it. */
  readonly usedPorts = new Map<string, string[]>();
  allocatable: Resource = emptyResource();
  labels: Record<string, string> = {};
  taints: Taint[] = [];
  unschedulable = false;
  /** Bumped on every change, so derived per-node data can be cached. */
  generation = 0;

  constructor(
    public node: Node,
    readonly name = node.metadata?.name ?? '',
  ) {
    this.setNode(node);
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = resourceFromList(node.status?.allocatable ?? node.status?.capacity);
    this.labels = node.metadata?.labels ?? {};
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable === true;
    this.generation++;
  }

  addPod(pi: PodInfo): void {
    if (this.pods.has(pi.key)) this.removePod(pi.key);
    this.pods.set(pi.key, pi);
    this.account(pi, 1);
  }

  removePod(key: string): PodInfo | undefined {
    const pi = this.pods.get(key);
    if (!pi) return undefined;
    this.pods.delete(key);
    this.account(pi, -1);
    return pi;
  }

  private account(pi: PodInfo, sign: 1 | -1): void {
    addTo(this.requested, pi.requests, sign);
    addTo(this.nonZeroRequested, pi.nonZeroRequests, sign);
    if (hasAffinity(pi)) this.podsWithAffinity += sign;
    if (pi.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity += sign;
    for (const hp of pi.hostPorts) this.updatePort(hp, sign);
    this.generation++;
  }

  private updatePort(hp: HostPort, sign: 1 | -1): void {
    const ips = this.usedPorts.get(hp.protocolPort) ?? [];
    if (sign > 0) ips.push(hp.ip);
    else ips.splice(ips.indexOf(hp.ip), 1);
    if (ips.length === 0) this.usedPorts.delete(hp.protocolPort);
    else this.usedPorts.set(hp.protocolPort, ips);
  }

  /** Would this host port clash with one already bound? */
  portConflicts(hp: HostPort): boolean {
    const ips = this.usedPorts.get(hp.protocolPort);
    if (!ips) return false;
    return hp.ip === '0.0.0.0' || ips.some((ip) => ip === '0.0.0.0' || ip === hp.ip);
  }

  /** An independent copy (preemption removes pods from it to try things out). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.node, this.name);
    for (const [k, pi] of this.pods) c.pods.set(k, pi);
    c.podsWithAffinity = this.podsWithAffinity;
    c.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity;
    c.requested = cloneResource(this.requested);
    c.nonZeroRequested = cloneResource(this.nonZeroRequested);
    for (const [k, ips] of this.usedPorts) c.usedPorts.set(k, [...ips]);
    c.generation = this.generation;
    return c;
  }
}
