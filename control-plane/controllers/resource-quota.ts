// The ResourceQuota controller (upstream pkg/controller/resourcequota): keeps each quota's
// status.hard and status.used right. Admission charges every new object at once; this
// controller counts usage from scratch (fresh lists) when a quota is created or changed, when
// objects are deleted or pods finish (upstream's "replenishment": usage goes down), and on a slow
// resync.
// It does not react to creations: counting from a cache that may not have seen a just-admitted
// object yet would undo admission's charge.
import type { KubeObject, SharedIndexInformer } from '../../api/client/index.ts';
import type { ResourceType } from '../../api/resource-type.ts';
import type { ResourceQuota } from '../../api/types/index.ts';
import { hardOf, toResourceList, typeForQuotaResource, usageForQuota } from '../quota/usage.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';

type Quota = Kube<ResourceQuota>;

export interface ResourceQuotaControllerConfig extends ControllerConfig {
  /** Full recount of every quota this often. Default 5 minutes, like upstream. */
  resyncMs?: number;
}

/** Status compared regardless of key order. */
const sameStatus = (a: KubeObject, b: KubeObject | undefined) => {
  const norm = (s: KubeObject | undefined) =>
    JSON.stringify(
      ['hard', 'used'].map((k) => Object.entries(s?.[k] ?? {}).sort(([x], [y]) => (x < y ? -1 : 1))),
    );
  return norm(a) === norm(b);
};

const isTerminal = (o: KubeObject) => o.status?.phase === 'Succeeded' || o.status?.phase === 'Failed';

export class ResourceQuotaController extends QueueController {
  private readonly quotas: SharedIndexInformer<Quota>;
  /** Informers of the types some quota counts (for their deletions), by `group/plural`. */
  private readonly counted = new Map<string, SharedIndexInformer>();

  constructor(config: ResourceQuotaControllerConfig) {
    super('resourcequota', config);
    this.quotas = this.informers.informerFor<Quota>('v1', 'ResourceQuota');
    this.quotas.addEventHandler(
      {
        onAdd: (q) => this.quotaChanged(q),
        onUpdate: (old, q) => {
          if (old === q || JSON.stringify(old.spec) !== JSON.stringify(q.spec) || !q.status?.used)
            this.quotaChanged(q);
        },
      },
      { resyncMs: config.resyncMs ?? 5 * 60_000 },
    );
    for (const plural of ['pods', 'services', 'persistentvolumeclaims', 'configmaps', 'secrets'])
      this.watchType(typeForQuotaResource(plural)!);
  }

  private quotaChanged(q: Quota): void {
    for (const name of Object.keys(q.spec?.hard ?? {})) {
      const rt = typeForQuotaResource(name);
      if (rt) this.watchType(rt);
    }
    this.enqueue(q);
  }

  /** Count objects of this type from now on (informers asked for late start at once). */
  private watchType(rt: ResourceType): SharedIndexInformer {
    const key = `${rt.group}/${rt.plural}`;
    let informer = this.counted.get(key);
    if (informer) return informer;
    informer = this.informers.informerForResource(rt);
    const replenish = (obj: KubeObject) => {
      for (const q of this.quotas.byIndex('namespace', obj.metadata?.namespace ?? '')) this.enqueue(q);
    };
    informer.addEventHandler({
      onDelete: replenish,
      onUpdate: (old, obj) => {
        // A pod that finished gives its resources back.
        if (rt.plural === 'pods' && !isTerminal(old) && isTerminal(obj)) replenish(obj);
      },
    });
    this.counted.set(key, informer);
    return informer;
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.quotas.get(key);
    if (!cached) return;
    const namespace = cached.metadata!.namespace!;
    // Count from fresh lists, not the caches: informers of different types are not in step with
    // each other (a quota can arrive before the objects it counts).
    const lists = new Map<string, KubeObject[]>();
    for (const name of Object.keys(cached.spec?.hard ?? {})) {
      const rt = typeForQuotaResource(name);
      if (!rt || lists.has(`${rt.group}/${rt.plural}`)) continue;
      this.watchType(rt);
      const items = (await this.client.resourceFor(rt).namespace(namespace).list()).items;
      lists.set(`${rt.group}/${rt.plural}`, items);
    }
    const used = usageForQuota(cached, (rt) => lists.get(`${rt.group}/${rt.plural}`) ?? []);
    const status = { hard: toResourceList(hardOf(cached)), used: toResourceList(used) };
    if (sameStatus(status, cached.status)) return;
    await this.client
      .resource<Quota>('v1', 'ResourceQuota')
      .namespace(namespace)
      .updateStatus({ ...cached, status });
    this.logger.info('quota usage updated', { resourcequota: key, used: JSON.stringify(status.used) });
  }
}
