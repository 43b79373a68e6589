// The client side of list+watch, without any UI: a map of objects by namespace/name that takes
// watch events in batches. Keeping this pure lets the store apply a burst of 500 events as one
// update (one re-render), and lets tests check the rules without a server.
import type { KubeObject } from './client.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  object: T;
}

export const objectKey = (o: KubeObject) =>
  o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;

export class WatchCache<T extends KubeObject = KubeObject> {
  readonly objects = new Map<string, T>();
  /** Where a watch resumes: the last resourceVersion seen (list, event or bookmark). */
  resourceVersion = '';

  /** Replaces everything with a fresh list. */
  reset(items: T[], resourceVersion: string): void {
    this.objects.clear();
    for (const item of items) this.objects.set(objectKey(item), item);
    this.resourceVersion = resourceVersion;
  }

  /**
   * Applies a batch of events in order. Returns false when the batch says the watch is too old
   * (410 Gone): the caller lists again.
   */
  apply(events: WatchEvent<T>[]): boolean {
    for (const e of events) {
      if (e.type === 'ERROR') {
        const code = (e.object as unknown as { code?: number }).code;
        if (code === 410) return false;
        continue;
      }
      const rv = e.object.metadata?.resourceVersion;
      if (rv) this.resourceVersion = rv;
      if (e.type === 'BOOKMARK') continue;
      const key = objectKey(e.object);
      if (e.type === 'DELETED') this.objects.delete(key);
      else this.objects.set(key, e.object);
    }
    return true;
  }
}
