// The client side of list+watch, without any UI: a map of objects by namespace/name that takes
// a paged list page by page and watch events in batches. Keeping this pure lets the store apply
// a burst of 500 events as one update (one re-render), and lets tests check the rules without a
// server.
import type { KubeObject } from './client.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  object: T;
}

export const objectKey = (o: KubeObject) =>
  o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;

export interface ListPage<T> {
  items: T[];
  resourceVersion: string;
  /** The page that starts a list. */
  first: boolean;
  /** The page that completes it (no continue token). */
  last: boolean;
}

export class WatchCache<T extends KubeObject = KubeObject> {
  /** The objects by key; a new list replaces the map rather than clearing it. */
  objects = new Map<string, T>();
  /** Where a watch resumes: the last resourceVersion seen (list, event or bookmark). */
  resourceVersion = '';
  /** A whole list has been taken in at least once. */
  private listed = false;
  /** Where the pages of the list in progress go. */
  private incoming: Map<string, T> | undefined;

  /** Replaces everything with a fresh list. */
  reset(items: T[], resourceVersion: string): void {
    this.objects = new Map(items.map((item) => [objectKey(item), item]));
    this.resourceVersion = resourceVersion;
    this.listed = true;
    this.incoming = undefined;
  }

  /**
   * Takes one page of a paged list; returns whether `objects` changed. Until a first list is
   * complete every page shows at once (a screen of 5,000 pods has rows after one page); after
   * that a new list replaces the objects only when its last page is in, so a relist after 410
   * Gone never shows half a list. The resourceVersion is taken from the last page only: a list
   * that fails halfway is listed again, never watched from.
   */
  addPage(page: ListPage<T>): boolean {
    if (page.first || !this.incoming) {
      this.resourceVersion = '';
      this.incoming = new Map();
      if (!this.listed) this.objects = this.incoming;
    }
    for (const item of page.items) this.incoming.set(objectKey(item), item);
    if (!page.last) return !this.listed;
    this.objects = this.incoming;
    this.incoming = undefined;
    this.resourceVersion = page.resourceVersion;
    this.listed = true;
    return true;
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
