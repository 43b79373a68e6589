// The namespace controller (upstream pkg/controller/namespace): once a namespace is Terminating
// it deletes everything in it, every namespaced resource type, reports progress in the
// namespace's conditions like upstream (NamespaceContentRemaining: "Some resources are
// remaining: pods. has 2 resource instances", NamespaceFinalizersRemaining, ...), and when
// nothing is left removes the `kubernetes` finalizer through namespaces/{name}/finalize, which
// lets the namespace go.
//
// It wakes on namespace changes and on every deletion of an object inside a terminating
// namespace (shared informers), with a slow requeue as a safety net while content remains.
import {
  isNotFound,
  type KubeObject,
  type ResourceClient,
  type SharedIndexInformer,
} from '../../api/client/index.ts';
import { resourceTypes } from '../../api/resources.ts';
import type { ResourceType } from '../../api/resource-type.ts';
import type { Namespace, NamespaceCondition } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import { rfc3339Seconds } from '../../api/client/event-recorder.ts';

type Ns = Kube<Namespace>;

/** The finalizer this controller owns (upstream api.FinalizerKubernetes). */
export const kubernetesFinalizer = 'kubernetes';

export interface NamespaceControllerConfig extends ControllerConfig {
  /** Look again this long after a pass that left content behind. Default 15 s. */
  requeueMs?: number;
}

/** What one pass over a terminating namespace found. */
export interface ContentReport {
  /** `pods.` style resource -> objects still there. */
  remaining: Map<string, number>;
  /** finalizer -> objects still carrying it. */
  finalizers: Map<string, number>;
  /** Resources whose deletion failed, with why. */
  failures: string[];
}

const groupResource = (rt: ResourceType) => `${rt.plural}.${rt.group}`;

/** The five deletion conditions upstream keeps on a terminating namespace, for this report. */
export function deletionConditions(report: ContentReport, now: string): NamespaceCondition[] {
  const cond = (
    type: string,
    status: 'True' | 'False',
    reason: string,
    message: string,
  ): NamespaceCondition => ({
    type,
    status,
    lastTransitionTime: now,
    reason,
    message,
  });
  const remaining = [...report.remaining.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([r, n]) => `${r} has ${n} resource instances`);
  const finalizers = [...report.finalizers.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([f, n]) => `${f} in ${n} resource instances`);
  return [
    cond(
      'NamespaceDeletionDiscoveryFailure',
      'False',
      'ResourcesDiscovered',
      'All resources successfully discovered',
    ),
    cond(
      'NamespaceDeletionGroupVersionParsingFailure',
      'False',
      'ParsedGroupVersions',
      'All legacy kube types successfully parsed',
    ),
    report.failures.length > 0
      ? cond(
          'NamespaceDeletionContentFailure',
          'True',
          'ContentDeletionFailed',
          `Failed to delete all resource types, ${report.failures.length} remaining: ${report.failures.join(', ')}`,
        )
      : cond(
          'NamespaceDeletionContentFailure',
          'False',
          'ContentDeleted',
          'All content successfully deleted, may be waiting on finalization',
        ),
    remaining.length > 0
      ? cond(
          'NamespaceContentRemaining',
          'True',
          'SomeResourcesRemain',
          `Some resources are remaining: ${remaining.join(', ')}`,
        )
      : cond('NamespaceContentRemaining', 'False', 'ContentRemoved', 'All content successfully removed'),
    finalizers.length > 0
      ? cond(
          'NamespaceFinalizersRemaining',
          'True',
          'SomeFinalizersRemain',
          `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}`,
        )
      : cond(
          'NamespaceFinalizersRemaining',
          'False',
          'ContentHasNoFinalizers',
          'All content-preserving finalizers finished',
        ),
  ];
}

/** New conditions keep their lastTransitionTime when type, status, reason and message are unchanged. */
function mergeConditions(
  old: NamespaceCondition[] | undefined,
  next: NamespaceCondition[],
): NamespaceCondition[] {
  const byType = new Map((old ?? []).map((c) => [c.type, c]));
  const merged = next.map((c) => {
    const prev = byType.get(c.type);
    const same = prev && prev.status === c.status && prev.reason === c.reason && prev.message === c.message;
    return same ? prev : c;
  });
  const known = new Set(next.map((c) => c.type));
  return [...(old ?? []).filter((c) => !known.has(c.type)), ...merged];
}

export class NamespaceController extends QueueController {
  private readonly namespaces: SharedIndexInformer<Ns>;
  private readonly requeueMs: number;
  private readonly contentTypes: ResourceType[];

  constructor(config: NamespaceControllerConfig) {
    super('namespace', config);
    this.requeueMs = config.requeueMs ?? 15_000;
    this.namespaces = this.informers.informerFor<Ns>('v1', 'Namespace');
    const onNamespace = (ns: Ns) => {
      if (ns.metadata?.deletionTimestamp) this.enqueue(ns.metadata.name!);
    };
    this.namespaces.addEventHandler({ onAdd: onNamespace, onUpdate: (_o, ns) => onNamespace(ns) });

    this.contentTypes = resourceTypes.filter(
      (rt) => rt.namespaced && rt.verbs.includes('delete') && rt.verbs.includes('list'),
    );
    // Content disappearing from a terminating namespace is the moment to look again.
    const onGone = (obj: KubeObject) => {
      const ns = this.namespaces.get(obj.metadata?.namespace ?? '');
      if (ns?.metadata?.deletionTimestamp) this.enqueue(ns.metadata.name!);
    };
    for (const rt of this.contentTypes) {
      if (rt.plural === 'events') continue; // deleted with the rest; too many to listen to
      this.informers.informerForResource(rt).addEventHandler({ onDelete: onGone });
    }
  }

  protected async sync(name: string): Promise<void> {
    const cached = this.namespaces.get(name);
    if (!cached?.metadata?.deletionTimestamp) return;
    let ns: Ns;
    try {
      ns = (await this.client.resource<Ns>('v1', 'Namespace').get(name)) as Ns;
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (!ns.metadata?.deletionTimestamp) return;
    if (!(ns.spec?.finalizers ?? []).includes(kubernetesFinalizer)) return;

    const report = await this.deleteAllContent(name);
    ns = await this.updateConditions(ns, report);
    if (report.remaining.size > 0 || report.failures.length > 0) {
      this.logger.info('namespace content remaining', {
        namespace: name,
        remaining: [...report.remaining.keys()].join(','),
      });
      this.enqueueAfter(name, this.requeueMs);
      return;
    }
    await this.finalize(ns);
  }

  /** Delete every namespaced object in the namespace, then count what is still there. */
  private async deleteAllContent(namespace: string): Promise<ContentReport> {
    const report: ContentReport = { remaining: new Map(), finalizers: new Map(), failures: [] };
    await Promise.all(
      this.contentTypes.map(async (rt) => {
        const rc = this.client.resourceFor(rt).namespace(namespace);
        try {
          await this.deleteCollection(rt, rc);
          const left = (await rc.list()).items;
          if (left.length === 0) return;
          report.remaining.set(groupResource(rt), left.length);
          for (const obj of left)
            for (const f of obj.metadata?.finalizers ?? [])
              report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + 1);
        } catch (err) {
          if (isNotFound(err)) return;
          report.failures.push(`${groupResource(rt)}: ${(err as Error).message}`);
        }
      }),
    );
    return report;
  }

  private async deleteCollection(rt: ResourceType, rc: ResourceClient): Promise<void> {
    if (rt.verbs.includes('deletecollection')) {
      await rc.deleteCollection({}, { propagationPolicy: 'Background' });
      return;
    }
    for (const obj of (await rc.list()).items) {
      if (obj.metadata?.deletionTimestamp) continue;
      try {
        await rc.delete(obj.metadata!.name!, { propagationPolicy: 'Background' });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  private async updateConditions(ns: Ns, report: ContentReport): Promise<Ns> {
    const conditions = mergeConditions(
      ns.status?.conditions,
      deletionConditions(report, rfc3339Seconds(this.clock.now())),
    );
    if (JSON.stringify(conditions) === JSON.stringify(ns.status?.conditions ?? [])) return ns;
    try {
      return (await this.client
        .resource<Ns>('v1', 'Namespace')
        .updateStatus({ ...ns, status: { ...ns.status, conditions } })) as Ns;
    } catch (err) {
      if (isNotFound(err)) return ns;
      throw err;
    }
  }

  /** Remove our finalizer through /finalize; the API server then deletes the namespace. */
  private async finalize(ns: Ns): Promise<void> {
    const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== kubernetesFinalizer);
    try {
      await this.client
        .resource<Ns>('v1', 'Namespace')
        .updateSubresource(ns.metadata!.name!, 'finalize', { ...ns, spec: { ...ns.spec, finalizers } });
      this.logger.info('namespace finalized', { namespace: ns.metadata!.name });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
