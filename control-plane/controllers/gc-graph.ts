// The garbage collector's dependency graph (upstream pkg/controller/garbagecollector/graph.go
// and graph_builder.go): one node per object uid with its owner references and the nodes that
// name it as an owner. Owners referenced but not (yet) seen are "virtual" nodes until the
// collector has checked with the API server whether they exist.
//
// Informer events go through `observe` / `observeDeletion`, which keep the graph in step and
// say, through the `enqueue*` callbacks, which nodes now need a decision:
//  - attemptToDelete: a node whose owners may be gone (or that waits for its dependents);
//  - attemptToOrphan: an owner being deleted with the `orphan` finalizer.
import type { KubeObject, OwnerReference } from '../../api/client/index.ts';

export const orphanFinalizer = 'orphan';
export const foregroundFinalizer = 'foregroundDeletion';

export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  /** '' for cluster-scoped objects (and for virtual owners whose scope is not known yet). */
  namespace: string;
  name: string;
  uid: string;
}

export class GraphNode {
  owners: OwnerReference[] = [];
  readonly dependents = new Set<GraphNode>();
  /** Seen only as someone's owner, not (yet) as an object of its own. */
  virtual: boolean;
  /** deletionTimestamp set. */
  beingDeleted = false;
  /** Being deleted in the foreground: waits for its blocking dependents. */
  deletingDependents = false;

  constructor(
    public identity: ObjectIdentity,
    virtual: boolean,
  ) {
    this.virtual = virtual;
  }

  get uid(): string {
    return this.identity.uid;
  }

  /** Dependents whose reference to this node has blockOwnerDeletion (they hold up foreground deletion). */
  blockingDependents(): GraphNode[] {
    const out: GraphNode[] = [];
    for (const dep of this.dependents)
      if (dep.owners.some((r) => r.uid === this.uid && r.blockOwnerDeletion === true)) out.push(dep);
    return out;
  }

  toString(): string {
    const { kind, namespace, name } = this.identity;
    return `${kind}/${namespace ? `${namespace}/` : ''}${name}`;
  }
}

export interface GraphCallbacks {
  attemptToDelete(node: GraphNode): void;
  attemptToOrphan(node: GraphNode): void;
}

const hasFinalizer = (obj: KubeObject | undefined, f: string) => !!obj?.metadata?.finalizers?.includes(f);
const deleting = (obj: KubeObject | undefined) => !!obj?.metadata?.deletionTimestamp;

/** Just started waiting for `finalizer` to be acted on (upstream startsWaitingForDependents*). */
function startsWaiting(old: KubeObject | undefined, obj: KubeObject, finalizer: string): boolean {
  if (!deleting(obj) || !hasFinalizer(obj, finalizer)) return false;
  return !old || !deleting(old) || !hasFinalizer(old, finalizer);
}

export function identityOf(obj: KubeObject, apiVersion: string, kind: string): ObjectIdentity {
  return {
    apiVersion: obj.apiVersion || apiVersion,
    kind: obj.kind || kind,
    namespace: obj.metadata?.namespace ?? '',
    name: obj.metadata?.name ?? '',
    uid: obj.metadata?.uid ?? '',
  };
}

export class DependencyGraph {
  private readonly nodes = new Map<string, GraphNode>();

  constructor(private readonly callbacks: GraphCallbacks) {}

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** An object was added or changed (upstream processGraphChanges for add/update). */
  observe(identity: ObjectIdentity, obj: KubeObject, old?: KubeObject): void {
    if (!identity.uid) return;
    const owners = obj.metadata?.ownerReferences ?? [];
    let node = this.nodes.get(identity.uid);
    if (!node) {
      node = new GraphNode(identity, false);
      node.owners = owners;
      this.nodes.set(identity.uid, node);
      this.linkToOwners(node, owners);
    } else {
      if (node.virtual) {
        // A virtual owner turned out to exist: from now on it is a real node.
        node.virtual = false;
        node.identity = identity;
      }
      const { added, removed, unblocked } = diffOwners(node.owners, owners);
      if (added.length || removed.length || unblocked.length) {
        // Owners waiting on this dependent may be free to go now.
        for (const ref of [...removed.filter((r) => r.blockOwnerDeletion), ...unblocked]) {
          const owner = this.nodes.get(ref.uid);
          if (owner?.deletingDependents) this.callbacks.attemptToDelete(owner);
        }
        node.owners = owners;
        this.linkToOwners(node, added);
        for (const ref of removed) this.nodes.get(ref.uid)?.dependents.delete(node);
      }
    }
    if (deleting(obj)) node.beingDeleted = true;
    this.processTransitions(node, obj, old);
  }

  /** An object is gone (upstream processGraphChanges for delete). */
  observeDeletion(uid: string): void {
    const node = this.nodes.get(uid);
    if (!node) return;
    this.remove(node);
  }

  /**
   * The collector checked a virtual owner and it does not exist: drop it and let its
   * dependents be collected. A node the informers have meanwhile seen for real stays.
   */
  virtualOwnerAbsent(node: GraphNode): void {
    if (this.nodes.get(node.uid) !== node || !node.virtual) return;
    this.remove(node);
  }

  private remove(node: GraphNode): void {
    this.nodes.delete(node.uid);
    for (const ref of node.owners) this.nodes.get(ref.uid)?.dependents.delete(node);
    for (const dep of node.dependents) this.callbacks.attemptToDelete(dep);
    for (const ref of node.owners) {
      const owner = this.nodes.get(ref.uid);
      if (owner?.deletingDependents) this.callbacks.attemptToDelete(owner);
    }
  }

  private processTransitions(node: GraphNode, obj: KubeObject, old: KubeObject | undefined): void {
    if (startsWaiting(old, obj, orphanFinalizer)) {
      this.callbacks.attemptToOrphan(node);
      return;
    }
    if (startsWaiting(old, obj, foregroundFinalizer)) {
      node.deletingDependents = true;
      for (const dep of node.dependents) this.callbacks.attemptToDelete(dep);
      this.callbacks.attemptToDelete(node);
    }
  }

  private linkToOwners(node: GraphNode, refs: readonly OwnerReference[]): void {
    for (const ref of refs) {
      let owner = this.nodes.get(ref.uid);
      if (!owner) {
        // Never seen: a virtual node, checked against the API server by the collector.
        owner = new GraphNode(
          {
            apiVersion: ref.apiVersion,
            kind: ref.kind,
            namespace: node.identity.namespace,
            name: ref.name,
            uid: ref.uid,
          },
          true,
        );
        this.nodes.set(ref.uid, owner);
        this.callbacks.attemptToDelete(owner);
      }
      owner.dependents.add(node);
    }
  }
}

/** Owner references added, removed, and those whose blockOwnerDeletion went from true to false. */
function diffOwners(
  before: readonly OwnerReference[],
  after: readonly OwnerReference[],
): { added: OwnerReference[]; removed: OwnerReference[]; unblocked: OwnerReference[] } {
  const was = new Map(before.map((r) => [r.uid, r]));
  const now = new Map(after.map((r) => [r.uid, r]));
  const added = after.filter((r) => !was.has(r.uid));
  const removed = before.filter((r) => !now.has(r.uid));
  const unblocked = after.filter(
    (r) => was.get(r.uid)?.blockOwnerDeletion === true && r.blockOwnerDeletion !== true,
  );
  return { added, removed, unblocked };
}
