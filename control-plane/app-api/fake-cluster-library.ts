// A cluster library that creates nothing: it plays the contract's progress events for each node
// (create node, SSH up, install agent, agent up, node Ready), so the app API and the wizard can
// be exercised without providers. Fails a node named in `failNode`; with `crash`, the create
// throws that message after the first step without any failed event (a supervisor that died).
import type { ClusterLibrary, ClusterSpec, ProgressEvent } from './cluster-library.ts';

export function fakeClusterLibrary(
  opts: { failNode?: string; kubeconfig?: string; crash?: string } = {},
): ClusterLibrary & { clusters: Map<string, ClusterSpec> } {
  const clusters = new Map<string, ClusterSpec>();
  const events = new Map<string, ProgressEvent[]>();
  const followers = new Map<string, Set<(e: ProgressEvent) => void>>();
  const emit = (e: ProgressEvent) => {
    (events.get(e.cluster) ?? events.set(e.cluster, []).get(e.cluster)!).push(e);
    for (const f of followers.get(e.cluster) ?? []) f(e);
  };
  const steps = ['create node', 'SSH up', 'install agent', 'agent up', 'node Ready'];
  return {
    clusters,
    listClusters: async () => [...clusters.values()].map((s) => ({ name: s.name, provider: s.provider })),
    async createCluster(spec, { signal }) {
      clusters.set(spec.name, spec);
      const start = Date.now();
      for (let n = 1; n <= spec.nodes; n++) {
        const node = `${spec.name}-${n}`;
        for (const step of steps) {
          await new Promise((r) => setTimeout(r, 5));
          if (signal?.aborted) throw new Error('cancelled');
          const base = {
            time: new Date().toISOString(),
            cluster: spec.name,
            step,
            node,
            elapsedMs: Date.now() - start,
          };
          if (opts.crash && step === 'SSH up')
            throw Object.assign(new Error(opts.crash), { hint: 'see the supervisor log' });
          if (node === opts.failNode && step === 'SSH up') {
            emit({ ...base, status: 'failed', message: 'SSH did not answer', hint: 'check the provider' });
            emit({
              ...base,
              node: undefined,
              step: 'create cluster',
              status: 'failed',
              message: `${node} failed`,
            });
            return;
          }
          emit({ ...base, status: 'done' });
        }
      }
    },
    deleteCluster: async (name) => clusters.delete(name),
    kubeconfigPath: (name) => {
      if (!clusters.has(name)) throw new Error(`no cluster named ${name}`);
      if (!opts.kubeconfig) throw new Error(`cluster ${name} has no kubeconfig yet`);
      return opts.kubeconfig;
    },
    readProgress: (name) => events.get(name) ?? [],
    followProgress(name, cb) {
      (followers.get(name) ?? followers.set(name, new Set()).get(name)!).add(cb);
      return () => followers.get(name)?.delete(cb);
    },
  };
}
