// Fluent builders for tests (like upstream's st.MakePod()/st.MakeNode()):
//   makePod().name('a').req({ cpu: '1' }).obj()
//   makeNode().name('n1').capacity({ cpu: '4', memory: '8Gi' }).zone('a').obj()
import type {
  Container,
  LabelSelector,
  Node,
  NodeSelectorRequirement,
  Pod,
  PodAffinityTerm,
  Taint,
  Toleration,
  TopologySpreadConstraint,
} from '../../../api/types/index.ts';

let uidCounter = 0;

export class PodBuilder {
  private readonly pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'pod', namespace: 'default', uid: `uid-${++uidCounter}`, labels: {} },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
    status: { phase: 'Pending' },
  };

  name(name: string): this {
    this.pod.metadata!.name = name;
    this.pod.metadata!.uid = `uid-${name}-${++uidCounter}`;
    return this;
  }
  namespace(ns: string): this {
    this.pod.metadata!.namespace = ns;
    return this;
  }
  uid(uid: string): this {
    this.pod.metadata!.uid = uid;
    return this;
  }
  labels(labels: Record<string, string>): this {
    this.pod.metadata!.labels = { ...this.pod.metadata!.labels, ...labels };
    return this;
  }
  /** Requests of the (first) container. */
  req(requests: Record<string, string>): this {
    this.container().resources = { ...this.container().resources, requests };
    return this;
  }
  /** Another app container with these requests. */
  container(): Container;
  container(requests: Record<string, string>): this;
  container(requests?: Record<string, string>): Container | this {
    if (!requests) return this.pod.spec!.containers[0]!;
    this.pod.spec!.containers.push({
      name: `c${this.pod.spec!.containers.length}`,
      image: 'busybox',
      resources: { requests },
    });
    return this;
  }
  initReq(requests: Record<string, string>, sidecar = false): this {
    const inits = (this.pod.spec!.initContainers ??= []);
    inits.push({
      name: `init${inits.length}`,
      image: 'busybox',
      resources: { requests },
      ...(sidecar ? { restartPolicy: 'Always' as const } : {}),
    });
    return this;
  }
  overhead(overhead: Record<string, string>): this {
    this.pod.spec!.overhead = overhead;
    return this;
  }
  priority(p: number): this {
    this.pod.spec!.priority = p;
    return this;
  }
  preemptionPolicy(policy: 'PreemptLowerPriority' | 'Never'): this {
    this.pod.spec!.preemptionPolicy = policy;
    return this;
  }
  node(nodeName: string): this {
    this.pod.spec!.nodeName = nodeName;
    this.pod.status = { phase: 'Running' };
    return this;
  }
  nominated(nodeName: string): this {
    this.pod.status = { ...this.pod.status, nominatedNodeName: nodeName };
    return this;
  }
  terminating(): this {
    this.pod.metadata!.deletionTimestamp = '2026-01-01T00:00:00Z';
    return this;
  }
  startTime(t: string): this {
    this.pod.status = { ...this.pod.status, startTime: t };
    return this;
  }
  nodeSelector(sel: Record<string, string>): this {
    this.pod.spec!.nodeSelector = sel;
    return this;
  }
  /** A required node affinity term (terms added by several calls are ORed). */
  nodeAffinityIn(key: string, values: string[], operator: NodeSelectorRequirement['operator'] = 'In'): this {
    const na = ((this.pod.spec!.affinity ??= {}).nodeAffinity ??= {});
    const req = (na.requiredDuringSchedulingIgnoredDuringExecution ??= { nodeSelectorTerms: [] });
    req.nodeSelectorTerms.push({ matchExpressions: [{ key, operator, values }] });
    return this;
  }
  /** Pin to nodes by name through matchFields, as DaemonSet pods are. */
  nodeAffinityNames(...names: string[]): this {
    const na = ((this.pod.spec!.affinity ??= {}).nodeAffinity ??= {});
    const req = (na.requiredDuringSchedulingIgnoredDuringExecution ??= { nodeSelectorTerms: [] });
    req.nodeSelectorTerms.push({ matchFields: [{ key: 'metadata.name', operator: 'In', values: names }] });
    return this;
  }
  preferredNodeAffinity(weight: number, key: string, values: string[]): this {
    const na = ((this.pod.spec!.affinity ??= {}).nodeAffinity ??= {});
    (na.preferredDuringSchedulingIgnoredDuringExecution ??= []).push({
      weight,
      preference: { matchExpressions: [{ key, operator: 'In', values }] },
    });
    return this;
  }
  toleration(t: Toleration): this {
    (this.pod.spec!.tolerations ??= []).push(t);
    return this;
  }
  hostPort(port: number, protocol: 'TCP' | 'UDP' = 'TCP', hostIP?: string): this {
    (this.container().ports ??= []).push({
      containerPort: port,
      hostPort: port,
      protocol,
      ...(hostIP ? { hostIP } : {}),
    });
    return this;
  }
  podAffinity(
    topologyKey: string,
    matchLabels: Record<string, string>,
    extra: Partial<PodAffinityTerm> = {},
  ): this {
    const pa = ((this.pod.spec!.affinity ??= {}).podAffinity ??= {});
    (pa.requiredDuringSchedulingIgnoredDuringExecution ??= []).push({
      topologyKey,
      labelSelector: { matchLabels },
      ...extra,
    });
    return this;
  }
  podAntiAffinity(
    topologyKey: string,
    matchLabels: Record<string, string>,
    extra: Partial<PodAffinityTerm> = {},
  ): this {
    const pa = ((this.pod.spec!.affinity ??= {}).podAntiAffinity ??= {});
    (pa.requiredDuringSchedulingIgnoredDuringExecution ??= []).push({
      topologyKey,
      labelSelector: { matchLabels },
      ...extra,
    });
    return this;
  }
  preferredPodAffinity(
    weight: number,
    topologyKey: string,
    matchLabels: Record<string, string>,
    anti = false,
  ): this {
    const a = (this.pod.spec!.affinity ??= {});
    const pa = anti ? (a.podAntiAffinity ??= {}) : (a.podAffinity ??= {});
    (pa.preferredDuringSchedulingIgnoredDuringExecution ??= []).push({
      weight,
      podAffinityTerm: { topologyKey, labelSelector: { matchLabels } },
    });
    return this;
  }
  spread(
    maxSkew: number,
    topologyKey: string,
    whenUnsatisfiable: TopologySpreadConstraint['whenUnsatisfiable'],
    labelSelector: LabelSelector,
    extra: Partial<TopologySpreadConstraint> = {},
  ): this {
    (this.pod.spec!.topologySpreadConstraints ??= []).push({
      maxSkew,
      topologyKey,
      whenUnsatisfiable,
      labelSelector,
      ...extra,
    });
    return this;
  }
  owner(kind: string, name: string, apiVersion = 'apps/v1'): this {
    this.pod.metadata!.ownerReferences = [{ apiVersion, kind, name, uid: `uid-${name}`, controller: true }];
    return this;
  }
  schedulingGate(name: string): this {
    (this.pod.spec!.schedulingGates ??= []).push({ name });
    return this;
  }
  obj(): Pod {
    return structuredClone(this.pod);
  }
}

export class NodeBuilder {
  private readonly node: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node', labels: {} },
    spec: {},
    status: {
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
    },
  };

  name(name: string): this {
    this.node.metadata!.name = name;
    this.node.metadata!.labels!['kubernetes.io/hostname'] = name;
    return this;
  }
  labels(labels: Record<string, string>): this {
    this.node.metadata!.labels = { ...this.node.metadata!.labels, ...labels };
    return this;
  }
  zone(zone: string): this {
    return this.labels({ 'topology.kubernetes.io/zone': zone });
  }
  capacity(c: Record<string, string>): this {
    const merged = { ...this.node.status!.capacity, ...c };
    this.node.status = { ...this.node.status, capacity: merged, allocatable: merged };
    return this;
  }
  taint(t: Taint): this {
    (this.node.spec!.taints ??= []).push(t);
    return this;
  }
  unschedulable(): this {
    this.node.spec!.unschedulable = true;
    return this;
  }
  obj(): Node {
    return structuredClone(this.node);
  }
}

export const makePod = () => new PodBuilder();
export const makeNode = () => new NodeBuilder();
