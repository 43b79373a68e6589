// What the pods bound to each node use, by name: the part of upstream's Node authorizer graph
// (plugin/pkg/auth/authorizer/node/graph.go) a kubelet's reads are checked against. It answers
// "does a pod bound to node N in namespace NS use Secret/ConfigMap/PVC X, or run as service
// account S?" and "is pod P bound to N?" in O(1), where listing the namespace's pods costs
// O(pods) per kubelet read.
//
// It keeps names only (per bound pod: its node and the names it uses; per node: a count
// of pods per reference), fed by the watch of pods. Answers come only from a current index (see
// watch-cache.ts); the authorizer trusts its "yes" and checks a "no" against the store.
import { podReferences, podServiceAccount, type ReferenceKind } from './pod-references.ts';
import type { StoreContext } from './registry/context.ts';
import { WatchCache } from './watch-cache.ts';

export type IndexedKind = ReferenceKind | 'serviceaccount';

interface PodUses {
  node: string;
  /** `kind\0namespace\0name`, sorted: cheap to compare when a pod is rewritten (status updates). */
  uses: string[];
}

const useKey = (kind: IndexedKind, namespace: string, name: string) => `${kind}\0${namespace}\0${name}`;

const sameUses = (a: PodUses, b: PodUses) =>
  a.node === b.node && a.uses.length === b.uses.length && a.uses.every((u, i) => u === b.uses[i]);

export class NodePodIndex {
  /** node -> `kind\0namespace\0name` -> how many of its pods use it. */
  private readonly byNode = new Map<string, Map<string, number>>();
  private readonly pods: WatchCache<PodUses>;

  constructor(private readonly s: StoreContext) {
    this.pods = new WatchCache<PodUses>({
      backend: s.backend,
      prefix: s.keys.root,
      project: (kv) => {
        const pod = s.decoded.get(kv);
        const node = pod.spec?.nodeName;
        if (!node) return undefined; // unbound pods give a node nothing
        const namespace = pod.metadata?.namespace ?? '';
        const uses = [useKey('serviceaccount', namespace, podServiceAccount(pod))];
        for (const kind of ['secret', 'configmap', 'pvc'] as const)
          for (const name of podReferences(pod, kind)) uses.push(useKey(kind, namespace, name));
        return { node, uses: uses.sort() };
      },
      onChange: (_key, before, after) => {
        if (before && after && sameUses(before, after)) return;
        if (before) this.count(before, -1);
        if (after) this.count(after, +1);
      },
    });
  }

  /**
   * Whether a pod bound to `node` in `namespace` uses the named object (or runs as the named
   * service account); undefined when the index is not current.
   */
  uses(node: string, kind: IndexedKind, namespace: string, name: string): Promise<boolean | undefined> {
    return this.pods.ifCurrent(() => this.byNode.get(node)?.has(useKey(kind, namespace, name)) ?? false);
  }

  /**
   * Whether the named pod is bound to `node`; undefined when the index is not current. (False
   * also for a pod that is not there.)
   */
  boundTo(node: string, namespace: string, name: string): Promise<boolean | undefined> {
    const key = this.s.keys.key(namespace, name);
    return this.pods.ifCurrent((view) => view.get(key)?.node === node);
  }

  /** The claims (`{namespace, name}`) the node's pods use; undefined when the index is not current. */
  claims(node: string): Promise<{ namespace: string; name: string }[] | undefined> {
    return this.pods.ifCurrent(() => {
      const out: { namespace: string; name: string }[] = [];
      for (const use of this.byNode.get(node)?.keys() ?? []) {
        const [kind, namespace, name] = use.split('\0') as [string, string, string];
        if (kind === 'pvc') out.push({ namespace, name });
      }
      return out;
    });
  }

  /** Stops the watch (the index starts again on the next question). */
  close(): void {
    this.pods.close();
  }

  private count(pod: PodUses, delta: 1 | -1): void {
    let counts = this.byNode.get(pod.node);
    if (!counts) this.byNode.set(pod.node, (counts = new Map()));
    for (const use of pod.uses) {
      const n = (counts.get(use) ?? 0) + delta;
      if (n > 0) counts.set(use, n);
      else counts.delete(use);
    }
    if (counts.size === 0) this.byNode.delete(pod.node);
  }
}
