// A cache of one key range of the store, kept up to date by the store's own watch (like
// upstream's watch cache or a client-go informer, in-process and without HTTP). It answers only
// when it is provably current: it has applied every event up to the store's current revision.
// Otherwise (not started yet, restarting after a compaction or error, or a backend whose watch
// lags behind its writes, as etcd's does) it answers undefined and the caller reads the store
// as before. So a cached answer is never older than a live read started at the same moment, and
// a write that has resolved (a quota charged, a pod bound) is seen by the next read.
//
// It starts on first use (list, then watch from the list's revision) and stops with the store.
import type { Backend, KeyValue, WatchEvent, Watcher } from '../storage/types.ts';

export interface WatchCacheOptions<T> {
  backend: Backend;
  /** Every key under this prefix is cached (end it with '/'). */
  prefix: string;
  /** What to keep of a stored value; undefined keeps nothing for the key. */
  project(kv: KeyValue): T | undefined;
  /**
   * Told of every change to what is kept, in revision order, before the change can be read
   * (for indexes built on top). Never told of a key it was not told of before as `before`.
   */
  onChange?(key: string, before: T | undefined, after: T | undefined): void;
}

/** What a current cache lets its reader see; valid only inside the read. */
export interface CacheView<T> {
  get(key: string): T | undefined;
  /** The kept values whose key is `parent` + a name without '/' (one namespace), in key order. */
  children(parent: string): T[];
}

/** `/registry/core/pods/ns/name` -> `/registry/core/pods/ns/` */
const parentOf = (key: string) => key.slice(0, key.lastIndexOf('/') + 1);

export class WatchCache<T> implements CacheView<T> {
  /** Kept values by parent (a namespace's prefix, or the root for cluster-scoped keys), then key. */
  private readonly groups = new Map<string, Map<string, T>>();
  /** Every event up to this revision has been applied (meaningful only while watching). */
  private revision = 0;
  private watcher?: Watcher;
  private starting?: Promise<void>;
  /** Bumped by every restart, so a stale start or watch can tell it is no longer wanted. */
  private generation = 0;

  constructor(private readonly opts: WatchCacheOptions<T>) {}

  /**
   * `read(view)` if the cache holds every revision up to the store's current one; otherwise
   * undefined (and the cache starts, if it has not), and the caller must read the store.
   */
  async ifCurrent<R>(read: (view: CacheView<T>) => R): Promise<R | undefined> {
    if (!this.watcher) {
      this.start();
      return undefined;
    }
    const current = await this.opts.backend.currentRevision();
    // The watch may have ended while we waited.
    if (!this.watcher || this.revision < current) return undefined;
    return read(this);
  }

  /** Whether the watch is running (it may still be behind). */
  get watching(): boolean {
    return this.watcher !== undefined;
  }

  get(key: string): T | undefined {
    return this.groups.get(parentOf(key))?.get(key);
  }

  children(parent: string): T[] {
    const group = this.groups.get(parent);
    if (!group) return [];
    return [...group.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  }

  /** Stops the watch and forgets everything (a later read starts again). */
  close(): void {
    this.reset();
  }

  private start(): void {
    this.starting ??= this.load().finally(() => (this.starting = undefined));
  }

  private async load(): Promise<void> {
    const generation = this.generation;
    const { backend, prefix } = this.opts;
    let listed;
    try {
      listed = await backend.list(prefix);
    } catch {
      return; // the store is closing or failing: readers keep reading it, the next one retries
    }
    if (generation !== this.generation) return;
    try {
      for (const kv of listed.kvs) this.put(kv.key, kv);
      this.revision = listed.revision;
      this.watcher = backend.watch(prefix, listed.revision, {
        onEvents: (events) => generation === this.generation && this.apply(events),
        onProgress: (revision) => {
          if (generation === this.generation) this.revision = Math.max(this.revision, revision);
        },
        // Compacted while catching up, or the store closed: start over on the next read.
        onError: () => generation === this.generation && this.reset(),
      });
    } catch {
      // Compacted between the list and the watch, or a value that can not be decoded: nothing
      // is served from here until a later start succeeds.
      this.reset();
    }
  }

  private apply(events: WatchEvent[]): void {
    for (const e of events) {
      this.put(e.kv.key, e.type === 'delete' ? undefined : e.kv);
      this.revision = Math.max(this.revision, e.kv.modRevision);
    }
  }

  private put(key: string, kv: KeyValue | undefined): void {
    const parent = parentOf(key);
    let group = this.groups.get(parent);
    const before = group?.get(key);
    const after = kv ? this.opts.project(kv) : undefined;
    if (before === undefined && after === undefined) return;
    if (after === undefined) {
      group!.delete(key);
      if (group!.size === 0) this.groups.delete(parent);
    } else {
      if (!group) this.groups.set(parent, (group = new Map()));
      group.set(key, after);
    }
    this.opts.onChange?.(key, before, after);
  }

  private reset(): void {
    this.generation++;
    this.watcher?.close();
    this.watcher = undefined;
    this.revision = 0;
    if (this.opts.onChange)
      for (const group of this.groups.values())
        for (const [key, value] of group) this.opts.onChange(key, value, undefined);
    this.groups.clear();
  }
}
