// The garbage collector (upstream pkg/controller/garbagecollector): watches every resource type,
// keeps the ownerReferences graph (gc-graph.ts), and deletes what its owners no longer hold:
//  - Background: an owner is gone, so are its dependents (collected after it);
//  - Foreground: the owner stays, with the foregroundDeletion finalizer, until every dependent
//    that has blockOwnerDeletion is gone; then the finalizer is removed and the owner goes;
//  - Orphan: the owner's dependents lose their reference to it, then the orphan finalizer goes;
//  - dangling references (an owner uid that does not exist) are collected like Background.
// An object keeps living while any of its owners does: only references to missing owners (or
// owners deleting their dependents) are removed from it.
//
// Two rate-limited queues of uids feed the workers: attemptToDelete and attemptToOrphan.
// Whether an owner exists is decided from the graph when the informers have seen it, else by
// asking the API server (an answer of "absent" is remembered in a small cache).
import {
  isConflict,
  isNotFound,
  RateLimitingQueue,
  realClock,
  runWorkers,
  silentLogger,
  type Client,
  type Clock,
  type KubeObject,
  type Logger,
  type OwnerReference,
  type ResourceClient,
  type SharedIndexInformer,
} from '../../api/client/index.ts';
import { lookupKind, resourceTypes } from '../../api/resources.ts';
import { apiVersionOf, type ResourceType } from '../../api/resource-type.ts';
import { withFields, type Controller, type ControllerConfig } from './controller.ts';
import { ApiEventRecorder, type EventRecorder } from '../../api/client/event-recorder.ts';
import {
  DependencyGraph,
  foregroundFinalizer,
  identityOf,
  orphanFinalizer,
  type GraphNode,
  type ObjectIdentity,
} from './gc-graph.ts';

export interface GarbageCollectorConfig extends ControllerConfig {
  /** Resources neither watched nor collected (`plural` or `plural.group`). Default: events. */
  ignoredResources?: string[];
  /** Workers for the orphaning queue. Default 2 (deleting uses `workers`, default 4). */
  orphanWorkers?: number;
}

/** Upstream ignores Events: they are many, short-lived, and never owners. */
export const defaultIgnoredResources = ['events', 'events.events.k8s.io'];

const resourceName = (rt: Pick<ResourceType, 'group' | 'plural'>) =>
  rt.group ? `${rt.plural}.${rt.group}` : rt.plural;

/** A tiny LRU set of uids known not to exist (upstream absentOwnerCache). */
class UidCache {
  private readonly uids = new Set<string>();
  constructor(private readonly max = 500) {}
  has(uid: string): boolean {
    return this.uids.has(uid);
  }
  add(uid: string): void {
    this.uids.delete(uid);
    this.uids.add(uid);
    if (this.uids.size > this.max) this.uids.delete(this.uids.values().next().value as string);
  }
}

type OwnerState = 'solid' | 'dangling' | 'waiting';

export class GarbageCollector implements Controller {
  readonly name = 'garbagecollector';
  readonly graph: DependencyGraph;
  readonly attemptToDelete: RateLimitingQueue<string>;
  readonly attemptToOrphan: RateLimitingQueue<string>;
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly recorder: EventRecorder;
  private readonly workers: number;
  private readonly orphanWorkers: number;
  private readonly informers: SharedIndexInformer[] = [];
  private readonly absent = new UidCache();

  constructor(readonly config: GarbageCollectorConfig) {
    if (!config?.client) throw new Error('garbagecollector: config.client is required');
    if (!config.informers) throw new Error('garbagecollector: config.informers is required');
    const workers = config.workers ?? 4;
    const orphanWorkers = config.orphanWorkers ?? 2;
    for (const [what, n] of [
      ['workers', workers],
      ['orphanWorkers', orphanWorkers],
    ] as const)
      if (!Number.isInteger(n) || n < 1)
        throw new Error(`garbagecollector: ${what} must be a positive integer, got ${n}`);
    this.client = config.client;
    this.clock = config.clock ?? realClock;
    this.logger = withFields(config.logger ?? silentLogger, { controller: this.name });
    this.recorder =
      config.recorder ??
      new ApiEventRecorder({
        client: config.client,
        component: 'garbage-collector-controller',
        clock: this.clock,
        logger: this.logger,
      });
    this.workers = workers;
    this.orphanWorkers = orphanWorkers;
    this.attemptToDelete = new RateLimitingQueue<string>({ clock: this.clock });
    this.attemptToOrphan = new RateLimitingQueue<string>({ clock: this.clock });
    this.graph = new DependencyGraph({
      attemptToDelete: (n) => this.attemptToDelete.add(n.uid),
      attemptToOrphan: (n) => this.attemptToOrphan.add(n.uid),
    });

    const ignored = new Set(config.ignoredResources ?? defaultIgnoredResources);
    for (const rt of resourceTypes) {
      if (ignored.has(resourceName(rt))) continue;
      if (!['list', 'watch', 'delete'].every((v) => rt.verbs.includes(v as never))) continue;
      const informer = config.informers.informerForResource(rt);
      const apiVersion = apiVersionOf(rt);
      const id = (o: KubeObject) => identityOf(o, apiVersion, rt.kind);
      informer.addEventHandler({
        onAdd: (o) => this.graph.observe(id(o), o),
        onUpdate: (old, o) => this.graph.observe(id(o), o, old),
        onDelete: (o) => this.graph.observeDeletion(o.metadata?.uid ?? ''),
      });
      this.informers.push(informer);
    }
  }

  async start(signal: AbortSignal): Promise<void> {
    try {
      await Promise.all(this.informers.map((i) => i.waitForSync({ signal })));
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    this.logger.info('started', { resources: this.informers.length, objects: this.graph.size });
    const onError = (queue: string) => (uid: string, err: unknown, attempts: number) =>
      this.logger.warn(`${queue} failed; retrying`, { object: this.describe(uid), attempts, error: err });
    await Promise.all([
      runWorkers({
        queue: this.attemptToDelete,
        workers: this.workers,
        signal,
        sync: (uid) => this.processAttemptToDelete(uid),
        onError: onError('attemptToDelete'),
      }),
      runWorkers({
        queue: this.attemptToOrphan,
        workers: this.orphanWorkers,
        signal,
        sync: (uid) => this.processAttemptToOrphan(uid),
        onError: onError('attemptToOrphan'),
      }),
    ]);
  }

  private describe(uid: string): string {
    return this.graph.get(uid)?.toString() ?? uid;
  }

  /** Upstream attemptToDeleteItem. */
  private async processAttemptToDelete(uid: string): Promise<void> {
    const node = this.graph.get(uid);
    if (!node) return;
    if (node.virtual) return this.checkVirtualOwner(node);
    if (node.beingDeleted && !node.deletingDependents) return;
    const latest = await this.getLive(node.identity);
    if (!latest) {
      // Gone (or replaced by a namesake): forget it; its dependents are looked at again.
      this.graph.observeDeletion(uid);
      return;
    }
    if (node.deletingDependents) return this.processDeletingDependents(node);
    const refs = latest.metadata?.ownerReferences ?? [];
    if (refs.length === 0) return;

    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const state = await this.ownerState(ref, latest);
      (state === 'solid' ? solid : state === 'dangling' ? dangling : waiting).push(ref);
    }

    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return;
      // Still owned: only drop the references to owners that are gone or deleting their dependents.
      const drop = new Set([...dangling, ...waiting].map((r) => r.uid));
      this.logger.info('removing owner references', {
        object: node.toString(),
        owners: [...dangling, ...waiting].map((r) => `${r.kind}/${r.name}`).join(','),
      });
      await this.patchOwnerReferences(
        latest,
        node.identity,
        refs.filter((r) => !drop.has(r.uid)),
      );
      return;
    }
    if (waiting.length > 0 && node.dependents.size > 0) {
      // An owner deletes its dependents in the foreground, and this object has dependents of its
      // own: delete it in the foreground too, so the chain waits for the leaves. A dependent that
      // itself waits on us would deadlock: unblock our references first (upstream's cycle check).
      if ([...node.dependents].some((d) => d.deletingDependents)) {
        await this.patchOwnerReferences(
          latest,
          node.identity,
          refs.map((r) => (r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r)),
        );
      }
      return this.deleteObject(node.identity, 'Foreground');
    }
    const finalizers = latest.metadata?.finalizers ?? [];
    const policy = finalizers.includes(orphanFinalizer)
      ? 'Orphan'
      : finalizers.includes(foregroundFinalizer)
        ? 'Foreground'
        : 'Background';
    await this.deleteObject(node.identity, policy);
  }

  /** Upstream processDeletingDependentsItem: free the owner once no blocking dependent is left. */
  private async processDeletingDependents(node: GraphNode): Promise<void> {
    const blocking = node.blockingDependents();
    if (blocking.length === 0) {
      await this.removeFinalizer(node.identity, foregroundFinalizer);
      return;
    }
    for (const dep of blocking) if (!dep.deletingDependents) this.attemptToDelete.add(dep.uid);
  }

  /** Upstream attemptToOrphanWorker: release every dependent, then the orphan finalizer. */
  private async processAttemptToOrphan(uid: string): Promise<void> {
    const owner = this.graph.get(uid);
    if (!owner) return;
    for (const dep of [...owner.dependents]) {
      const latest = await this.getLive(dep.identity);
      if (!latest) continue;
      const refs = latest.metadata?.ownerReferences ?? [];
      if (!refs.some((r) => r.uid === uid)) continue;
      await this.patchOwnerReferences(
        latest,
        dep.identity,
        refs.filter((r) => r.uid !== uid),
      );
    }
    this.logger.info('orphaned dependents', { owner: owner.toString(), dependents: owner.dependents.size });
    await this.removeFinalizer(owner.identity, orphanFinalizer);
  }

  /** Whether a virtual owner exists; if not, it leaves the graph and its dependents are collected. */
  private async checkVirtualOwner(node: GraphNode): Promise<void> {
    const rt = lookupKind(node.identity.apiVersion, node.identity.kind);
    if (!rt) {
      this.logger.warn('owner of an unknown kind: its dependents are kept', { owner: node.toString() });
      return;
    }
    if (rt.namespaced && !node.identity.namespace) {
      this.absent.add(node.uid);
      this.graph.virtualOwnerAbsent(node);
      return;
    }
    const live = await this.getLive({
      ...node.identity,
      namespace: rt.namespaced ? node.identity.namespace : '',
    });
    if (live) return; // It exists; the informer delivers it as a real node.
    this.absent.add(node.uid);
    this.graph.virtualOwnerAbsent(node);
  }

  private async ownerState(ref: OwnerReference, dependent: KubeObject): Promise<OwnerState> {
    if (this.absent.has(ref.uid)) return 'dangling';
    const known = this.graph.get(ref.uid);
    if (known && !known.virtual) return known.deletingDependents ? 'waiting' : 'solid';
    const rt = lookupKind(ref.apiVersion, ref.kind);
    if (!rt) return 'solid'; // Cannot tell: never delete on a guess.
    const dependentNamespace = dependent.metadata?.namespace ?? '';
    if (rt.namespaced && !dependentNamespace) {
      this.recorder.event(
        dependent,
        'Warning',
        'OwnerRefInvalidNamespace',
        `ownerRef [${ref.apiVersion}/${ref.kind}, namespace: , name: ${ref.name}, uid: ${ref.uid}] does not exist in namespace ""`,
      );
      return 'dangling';
    }
    const owner = await this.getLive({
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      namespace: rt.namespaced ? dependentNamespace : '',
      name: ref.name,
      uid: ref.uid,
    });
    if (!owner) {
      this.absent.add(ref.uid);
      return 'dangling';
    }
    const ownerDeletingDependents =
      !!owner.metadata?.deletionTimestamp && !!owner.metadata?.finalizers?.includes(foregroundFinalizer);
    return ownerDeletingDependents ? 'waiting' : 'solid';
  }

  private resourceFor(identity: ObjectIdentity): ResourceClient | undefined {
    const rt = lookupKind(identity.apiVersion, identity.kind);
    if (!rt) return undefined;
    const rc = this.client.resourceFor(rt);
    return rt.namespaced ? rc.namespace(identity.namespace) : rc;
  }

  /** The object as stored now, or undefined when it is gone or its uid differs (a namesake). */
  private async getLive(identity: ObjectIdentity): Promise<KubeObject | undefined> {
    const rc = this.resourceFor(identity);
    if (!rc) return undefined;
    try {
      const obj = await rc.get(identity.name);
      return obj.metadata?.uid === identity.uid ? obj : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async deleteObject(
    identity: ObjectIdentity,
    policy: 'Background' | 'Foreground' | 'Orphan',
  ): Promise<void> {
    const rc = this.resourceFor(identity);
    if (!rc) return;
    this.logger.info('deleting object', {
      object: `${identity.kind}/${identity.namespace}/${identity.name}`,
      propagationPolicy: policy,
    });
    try {
      await rc.delete(identity.name, { propagationPolicy: policy, preconditions: { uid: identity.uid } });
    } catch (err) {
      // Already gone, or replaced by a namesake the precondition protects.
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  /** Set the owner references, guarded by uid and resourceVersion (a conflict retries with fresh data). */
  private async patchOwnerReferences(
    latest: KubeObject,
    identity: ObjectIdentity,
    refs: OwnerReference[],
  ): Promise<void> {
    const rc = this.resourceFor(identity);
    if (!rc) return;
    try {
      await rc.patch(identity.name, 'merge', {
        metadata: {
          ownerReferences: refs.length > 0 ? refs : null,
          uid: identity.uid,
          resourceVersion: latest.metadata?.resourceVersion,
        },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async removeFinalizer(identity: ObjectIdentity, finalizer: string): Promise<void> {
    const latest = await this.getLive(identity);
    const finalizers = latest?.metadata?.finalizers ?? [];
    if (!latest || !finalizers.includes(finalizer)) return;
    const rest = finalizers.filter((f) => f !== finalizer);
    const rc = this.resourceFor(identity)!;
    this.logger.info('removing finalizer', {
      object: `${identity.kind}/${identity.namespace}/${identity.name}`,
      finalizer,
    });
    try {
      await rc.patch(identity.name, 'merge', {
        metadata: {
          finalizers: rest.length > 0 ? rest : null,
          uid: identity.uid,
          resourceVersion: latest.metadata?.resourceVersion,
        },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
