// Stand-in nodes for the workload controller tests until the simulated nodes land: registers
// Ready nodes, binds pending pods (to the node a DaemonSet pod's affinity names, else the least
// loaded node), moves bound pods to Running and Ready (or Succeeded/Failed when the command is
// `exit N`), and finishes graceful deletions. Nodes can be "failed": they stop doing anything.
import type { Client, KubeObject } from '../../api/client/index.ts';
import {
  SharedInformerFactory,
  isNotFound,
  silentLogger,
  type SharedIndexInformer,
} from '../../api/client/index.ts';

export interface FakeNodesOptions {
  client: Client;
  count: number;
  /** Node labels by index, for DaemonSet nodeSelector tests. */
  labels?: (i: number) => Record<string, string>;
  cpu?: string;
  memory?: string;
}

const now = () => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export class FakeNodes {
  readonly names: string[] = [];
  private readonly failed = new Set<string>();
  private readonly ac = new AbortController();
  private readonly informers: SharedInformerFactory;
  private busy = new Set<string>();
  private pods: SharedIndexInformer | undefined;
  private ips = 2;
  private recent: string[] = [];

  constructor(readonly opts: FakeNodesOptions) {
    this.informers = new SharedInformerFactory(opts.client, { logger: silentLogger });
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.opts.count; i++) await this.addNode();
    const pods = (this.pods = this.informers.informerFor('v1', 'Pod'));
    const nudge = (p: KubeObject) => void this.handle(p);
    pods.addEventHandler({ onAdd: nudge, onUpdate: (_o, p) => nudge(p) });
    this.informers.start(this.ac.signal);
    await this.informers.waitForCacheSync({ timeoutMs: 60_000 });
  }

  async addNode(
    labels?: Record<string, string>,
    taints?: { key: string; value?: string; effect: string }[],
  ): Promise<string> {
    const i = this.names.length;
    const name = `node-${i + 1}`;
    const capacity = { cpu: this.opts.cpu ?? '4', memory: this.opts.memory ?? '8Gi', pods: '110' };
    const node = await this.opts.client.resource('v1', 'Node').create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: { 'kubernetes.io/hostname': name, ...this.opts.labels?.(i), ...labels },
      },
      spec: { podCIDR: `10.244.${i + 1}.0/24`, ...(taints ? { taints } : {}) },
    });
    await this.opts.client.resource('v1', 'Node').updateStatus({
      ...node,
      status: {
        capacity,
        allocatable: capacity,
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastTransitionTime: now() }],
      },
    });
    this.names.push(name);
    return name;
  }

  /** The node goes silent: its pods stay as they are. */
  fail(name: string): void {
    this.failed.add(name);
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await this.informers.stopped();
  }

  private async handle(pod: KubeObject): Promise<void> {
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}/${pod.metadata?.resourceVersion}`;
    if (this.busy.has(key) || this.ac.signal.aborted) return;
    this.busy.add(key);
    try {
      await this.step(pod);
    } catch (err) {
      if (!isNotFound(err) && !this.ac.signal.aborted) {
        // Conflicts: a newer event follows and is handled then.
      }
    } finally {
      this.busy.delete(key);
    }
  }

  private async step(pod: KubeObject): Promise<void> {
    const pods = this.opts.client.resource('v1', 'Pod').namespace(pod.metadata!.namespace!);
    const node = pod.spec?.nodeName as string | undefined;
    if (node && this.failed.has(node)) return;
    if (pod.metadata?.deletionTimestamp) {
      if (node) await pods.delete(pod.metadata.name!, { gracePeriodSeconds: 0 });
      return;
    }
    if (!node) {
      const target = this.pickNode(pod);
      if (target) await pods.bind(pod.metadata!.name!, target);
      return;
    }
    if (pod.status?.phase !== 'Pending') return;
    const command = [
      ...(pod.spec?.containers?.[0]?.command ?? []),
      ...(pod.spec?.containers?.[0]?.args ?? []),
    ].join(' ');
    const exit = /exit (\d+)/.exec(command);
    const ip = `10.244.${this.names.indexOf(node) + 1}.${this.ips++ % 250}`;
    const t = now();
    const containers = (pod.spec?.containers ?? []).map((c: { name: string; image: string }) => ({
      name: c.name,
      image: c.image,
      ready: !exit && !String(c.image).includes('unready'),
      restartCount: 0,
      state: exit
        ? {
            terminated: {
              exitCode: Number(exit[1]),
              reason: exit[1] === '0' ? 'Completed' : 'Error',
              startedAt: t,
              finishedAt: t,
            },
          }
        : { running: { startedAt: t } },
    }));
    const phase = exit ? (exit[1] === '0' ? 'Succeeded' : 'Failed') : 'Running';
    // An image named `...unready...` runs but never passes its readiness probe.
    const ready = exit || String(pod.spec?.containers?.[0]?.image).includes('unready') ? 'False' : 'True';
    await pods.updateStatus({
      ...pod,
      status: {
        ...pod.status,
        phase,
        podIP: ip,
        podIPs: [{ ip }],
        hostIP: '127.0.0.1',
        startTime: t,
        containerStatuses: containers,
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: t },
          { type: 'Initialized', status: 'True', lastTransitionTime: t },
          { type: 'ContainersReady', status: ready, lastTransitionTime: t },
          { type: 'Ready', status: ready, lastTransitionTime: t },
        ],
      },
    });
  }

  private pickNode(pod: KubeObject): string | undefined {
    const terms =
      pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ??
      [];
    for (const term of terms)
      for (const f of term.matchFields ?? [])
        if (f.key === 'metadata.name' && f.operator === 'In') return f.values?.[0];
    const alive = this.names.filter((n) => !this.failed.has(n));
    if (alive.length === 0) return undefined;
    // The least loaded node (counting pods bound a moment ago too).
    const load = new Map(alive.map((n) => [n, this.recent.filter((r) => r === n).length]));
    for (const p of this.pods?.list() ?? []) {
      const n = p.spec?.nodeName as string | undefined;
      if (n && load.has(n) && !p.metadata?.deletionTimestamp) load.set(n, load.get(n)! + 1);
    }
    const best = [...load.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    this.recent = [...this.recent.slice(-20), best];
    return best;
  }
}
