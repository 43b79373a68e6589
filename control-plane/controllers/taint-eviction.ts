// The taint eviction controller (upstream pkg/controller/tainteviction): pods on a node with
// NoExecute taints they do not tolerate are deleted at once; pods that tolerate them for
// tolerationSeconds are deleted that long after the taint was added (the DefaultTolerationSeconds
// admission gives every pod 300 s for not-ready and unreachable), so a dead node's pods go and
// their controllers recreate them elsewhere. A taint removed in time cancels the eviction.
// Events like upstream's: TaintManagerEviction "Marking for deletion Pod ns/name" and
// "Cancelling deletion of Pod ns/name". Timers are delayed queue entries, never polling.
import { isNotFound, metaNamespaceKey, type SharedIndexInformer } from '../../api/client/index.ts';
import type { Node, Pod, Taint, Toleration } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import { tolerates } from './node-eligibility.ts';

type NodeObj = Kube<Node>;
type PodObj = Kube<Pod>;

/**
 * When the pod must go given the node's NoExecute taints: 0 for now, a time in ms since the
 * epoch, or undefined if it may stay (no such taints, or tolerated forever).
 */
export function evictionTime(
  tolerations: readonly Toleration[],
  taints: readonly Taint[],
  nowMs: number,
): number | undefined {
  let at: number | undefined;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const matching = tolerations.filter((t) => tolerates(t, taint));
    if (matching.length === 0) return 0;
    const seconds = matching
      .map((t) => t.tolerationSeconds)
      .filter((s): s is number => typeof s === 'number')
      .map((s) => Math.max(0, s));
    if (seconds.length === 0) continue; // tolerated forever
    const added = Date.parse(taint.timeAdded ?? '');
    const start = Number.isFinite(added) ? added : nowMs;
    const due = start + Math.min(...seconds) * 1000;
    at = at === undefined ? due : Math.min(at, due);
  }
  return at;
}

export class TaintEvictionController extends QueueController {
  private readonly nodes: SharedIndexInformer<NodeObj>;
  private readonly pods: SharedIndexInformer<PodObj>;
  /** Pods with an eviction scheduled (for the cancel event). */
  private readonly scheduled = new Set<string>();

  constructor(config: ControllerConfig) {
    super('taint-eviction', config);
    this.nodes = this.informers.informerFor<NodeObj>('v1', 'Node');
    this.pods = this.informers.informerFor<PodObj>('v1', 'Pod', {
      indexers: { nodeName: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) },
    });
    const noExecute = (n: NodeObj | undefined) =>
      JSON.stringify((n?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute'));
    const nodeChanged = (node: NodeObj) => {
      for (const pod of this.pods.byIndex('nodeName', node.metadata!.name!)) this.enqueue(pod);
    };
    this.nodes.addEventHandler({
      onAdd: nodeChanged,
      onUpdate: (old, node) => {
        if (noExecute(old) !== noExecute(node)) nodeChanged(node);
      },
    });
    this.pods.addEventHandler({
      onAdd: (pod) => {
        if (pod.spec?.nodeName) this.enqueue(pod);
      },
      onUpdate: (old, pod) => {
        if (
          pod.spec?.nodeName &&
          (old.spec?.nodeName !== pod.spec.nodeName || old.spec?.tolerations !== pod.spec?.tolerations)
        )
          this.enqueue(pod);
      },
      onDelete: (pod) => this.scheduled.delete(metaNamespaceKey(pod)),
    });
  }

  protected async sync(key: string): Promise<void> {
    const pod = this.pods.get(key);
    const node = pod?.spec?.nodeName ? this.nodes.get(pod.spec.nodeName) : undefined;
    const finished = pod?.status?.phase === 'Succeeded' || pod?.status?.phase === 'Failed';
    if (!pod || !node || pod.metadata?.deletionTimestamp || finished) {
      this.scheduled.delete(key);
      return;
    }
    const now = this.clock.now();
    const at = evictionTime(pod.spec?.tolerations ?? [], node.spec?.taints ?? [], now);
    if (at === undefined) {
      if (this.scheduled.delete(key))
        this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
      return;
    }
    if (at > now) {
      this.scheduled.add(key);
      this.enqueueAfter(key, at - now);
      return;
    }
    this.scheduled.delete(key);
    this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    this.logger.info('evicting pod from tainted node', { pod: key, node: node.metadata!.name });
    try {
      await this.client
        .resource('v1', 'Pod')
        .namespace(pod.metadata!.namespace!)
        .delete(pod.metadata!.name!, { preconditions: { uid: pod.metadata!.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
