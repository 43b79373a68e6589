// Records every pod change a watch delivers, so a test can check an invariant at every step of
// a rollout (not just at the end).
import type { Client, KubeObject } from '../../api/client/index.ts';

export interface PodSnapshot {
  /** Pods not being deleted. */
  live: number;
  /** Live pods with Ready=True. */
  ready: number;
}

export class PodWatch {
  readonly snapshots: PodSnapshot[] = [];
  private readonly pods = new Map<string, KubeObject>();
  private readonly ac = new AbortController();
  private done: Promise<void> | undefined;

  constructor(
    private readonly client: Client,
    private readonly namespace: string,
    private readonly labelSelector: string,
  ) {}

  async start(): Promise<void> {
    const res = this.client.resource('v1', 'Pod').namespace(this.namespace);
    const list = await res.list({ labelSelector: this.labelSelector });
    for (const p of list.items) this.pods.set(p.metadata!.name!, p);
    const stream = await res.watch({
      labelSelector: this.labelSelector,
      resourceVersion: list.metadata.resourceVersion,
      signal: this.ac.signal,
    });
    this.done = (async () => {
      try {
        for await (const ev of stream) {
          if (ev.type === 'DELETED') this.pods.delete(ev.object.metadata!.name!);
          else if (ev.type === 'ADDED' || ev.type === 'MODIFIED')
            this.pods.set(ev.object.metadata!.name!, ev.object);
          else continue;
          this.snapshots.push(this.snapshot());
        }
      } catch {
        // aborted
      }
    })();
  }

  snapshot(): PodSnapshot {
    const live = [...this.pods.values()].filter((p) => !p.metadata?.deletionTimestamp);
    const ready = live.filter((p) =>
      p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'),
    );
    return { live: live.length, ready: ready.length };
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await this.done;
  }
}
