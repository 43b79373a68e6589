// The pod garbage collector (upstream pkg/controller/podgc): pods bound to a node that no longer
// exists are force-deleted (after a quarantine in which we make sure with the API server that
// the node is really gone, so a node still registering keeps its pods), and so are terminating
// pods that were never scheduled (nothing would ever finish their deletion).
import { isNotFound, metaNamespaceKey, type SharedIndexInformer } from '../../api/client/index.ts';
import type { Node, Pod } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';

type PodObj = Kube<Pod>;

export interface PodGcControllerConfig extends ControllerConfig {
  /** How long a pod's node must be missing before its pods go. Default 40 s (upstream's quarantine). */
  quarantineMs?: number;
}

export class PodGcController extends QueueController {
  private readonly quarantineMs: number;
  private readonly pods: SharedIndexInformer<PodObj>;
  private readonly nodes: SharedIndexInformer<Kube<Node>>;
  /** When we first saw a pod's node missing. */
  private readonly missingSince = new Map<string, number>();

  constructor(config: PodGcControllerConfig) {
    super('podgc', config);
    this.quarantineMs = config.quarantineMs ?? 40_000;
    this.pods = this.informers.informerFor<PodObj>('v1', 'Pod', {
      indexers: { nodeName: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) },
    });
    this.nodes = this.informers.informerFor<Kube<Node>>('v1', 'Node');
    const check = (p: PodObj) => this.enqueue(p);
    this.pods.addEventHandler({
      onAdd: check,
      onUpdate: (_o, p) => check(p),
      onDelete: (p) => this.missingSince.delete(metaNamespaceKey(p)),
    });
    this.nodes.addEventHandler({
      onDelete: (n) => {
        for (const p of this.pods.byIndex('nodeName', n.metadata!.name!)) this.enqueue(p);
      },
    });
  }

  protected async sync(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod) return;
    const node = pod.spec?.nodeName;
    if (!node) {
      if (pod.metadata?.deletionTimestamp) await this.forceDelete(pod, 'unscheduled and terminating');
      return;
    }
    if (this.nodes.get(node)) {
      this.missingSince.delete(key);
      return;
    }
    const since = this.missingSince.get(key) ?? this.clock.now();
    this.missingSince.set(key, since);
    const left = since + this.quarantineMs - this.clock.now();
    if (left > 0) {
      this.enqueueAfter(key, left);
      return;
    }
    // Our cache says the node is gone; make sure before deleting anything.
    try {
      await this.client.resource('v1', 'Node').get(node);
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    await this.forceDelete(pod, `its node ${node} does not exist`);
  }

  private async forceDelete(pod: PodObj, why: string): Promise<void> {
    this.logger.info('deleting pod', { pod: metaNamespaceKey(pod), reason: why });
    try {
      await this.client
        .resource('v1', 'Pod')
        .namespace(pod.metadata!.namespace!)
        .delete(pod.metadata!.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata!.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    this.missingSince.delete(metaNamespaceKey(pod));
  }
}
