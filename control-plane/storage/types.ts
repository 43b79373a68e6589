// The storage seam. Everything above this file (the API server, the controllers through it)
// knows only this interface; SQLite (default) and etcd sit behind it. The shape follows etcd's
// KV + Watch API and kine's Backend (kine pkg/server/types.go):
//  - one global, monotonically increasing revision; every write gets the next one;
//  - each key carries createRevision (when it was created) and modRevision (its last write);
//  - old revisions stay readable until compacted; watching from a compacted revision fails
//    with CompactedError (HTTP 410 Gone at the API).

export interface KeyValue {
  key: string;
  /** Shared with the writer and every watcher: treat as read-only. */
  value: Uint8Array;
  /** Revision at which the key was (last) created. */
  createRevision: number;
  /** Revision of the last write to the key. */
  modRevision: number;
}

export interface GetResult {
  /** The store's current revision when the read was served (or the requested revision). */
  revision: number;
  kv?: KeyValue;
}

export interface ListOptions {
  /** Return keys >= startKey (used for continue tokens). Defaults to the prefix itself. */
  startKey?: string;
  /** At most this many keys; 0 or undefined means no limit. */
  limit?: number;
  /** Read as of this revision (0/undefined = latest). Throws CompactedError if compacted. */
  revision?: number;
}

export interface ListResult {
  revision: number;
  kvs: KeyValue[];
  /** True when more keys match beyond `limit`. */
  more: boolean;
}

export type WatchEventType = 'create' | 'update' | 'delete';

export interface WatchEvent {
  type: WatchEventType;
  /** For delete: the key with the deleted value, modRevision = the delete's revision. */
  kv: KeyValue;
  /** The value before this event (update, delete). */
  prevKv?: KeyValue;
}

export interface Watcher {
  close(): void;
}

export interface WatchOptions {
  /** Called with batches of events in revision order. Never called after close(). */
  onEvents: (events: WatchEvent[]) => void;
  /** Called once if the watch can not continue (e.g. compacted while catching up). */
  onError?: (err: Error) => void;
  /**
   * Called whenever the store's revision advances (for watch bookmarks / progress): every event
   * up to `revision` that matches has been delivered. Not called while replaying history.
   */
  onProgress?: (revision: number) => void;
}

export interface CountOptions {
  startKey?: string;
  revision?: number;
}

export interface Backend {
  /** Open files, run migrations, start background compaction. Idempotent. */
  start(): Promise<void>;
  get(key: string, revision?: number): Promise<GetResult>;
  /** Keys with the given prefix, in key order. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /**
   * Live keys with the prefix (from `startKey` on, when given) as of `revision` (default latest);
   * throws CompactedError for a compacted revision, like list.
   */
  count(prefix: string, opts?: CountOptions): Promise<{ revision: number; count: number }>;
  /** Create if absent; throws KeyExistsError otherwise. Resolves once durable. */
  create(key: string, value: Uint8Array): Promise<{ revision: number; kv: KeyValue }>;
  /**
   * Compare-and-swap on modRevision. Resolves once durable.
   * succeeded=false (with the current kv, if any) when the key is missing or its modRevision differs.
   */
  update(
    key: string,
    value: Uint8Array,
    expectedModRevision: number,
  ): Promise<{ revision: number; kv?: KeyValue; succeeded: boolean }>;
  /**
   * Delete, optionally only if modRevision matches (0/undefined = unconditional).
   * succeeded=false with the current kv (if any) when the key is missing or the precondition fails.
   */
  delete(
    key: string,
    expectedModRevision?: number,
  ): Promise<{ revision: number; prevKv?: KeyValue; succeeded: boolean }>;
  /**
   * Watch keys with the prefix for events with revision > afterRevision.
   * Throws CompactedError synchronously if afterRevision < the compacted revision.
   */
  watch(prefix: string, afterRevision: number, opts: WatchOptions): Watcher;
  /** The newest revision; 1 for an empty store (like etcd), so no write is ever revision 0. */
  currentRevision(): Promise<number>;
  /**
   * Forget history at or below `revision` (the latest value of every live key is kept).
   * At or below compactRevision() it is a no-op; above the current revision, FutureRevisionError.
   */
  compact(revision: number): Promise<void>;
  /** The oldest revision still readable / watchable. */
  compactRevision(): number;
  /** Bytes on disk (for metrics and the "file stops growing" check). */
  dbSize(): Promise<number>;
  /**
   * Writes already accepted are committed first; open watches then end with
   * onError(StoreClosedError); afterwards every call fails with StoreClosedError.
   */
  close(): Promise<void>;
}
