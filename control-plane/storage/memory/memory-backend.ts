// An in-memory Backend with the same semantics as the durable ones: one global revision
// (starting at 1 like etcd, so the first write is revision 2), compare-and-swap on modRevision,
// reads as of an old revision, watch replay from a revision, and CompactedError once history
// is gone. It backs fast unit tests and throwaway clusters; nothing survives close().
import { CompactedError, FutureRevisionError, KeyExistsError, StoreClosedError } from '../errors.ts';
import type {
  CountOptions,
  Backend,
  GetResult,
  KeyValue,
  ListOptions,
  ListResult,
  WatchOptions,
  Watcher,
} from '../types.ts';
import { MultiVersionKeys } from './mvcc.ts';
import { WatchHub } from './watch-hub.ts';

export interface MemoryBackendOptions {
  /** Compact every this many ms, like the SQLite backend; 0 turns it off. Default 5 minutes. */
  compactIntervalMs?: number;
  /** Revisions of history automatic compaction keeps readable. Default 1000. */
  compactRetain?: number;
}

export function createMemoryBackend(opts: MemoryBackendOptions = {}): Backend {
  return new MemoryBackend(opts.compactIntervalMs ?? 5 * 60_000, opts.compactRetain ?? 1000);
}

class MemoryBackend implements Backend {
  private revision = 1;
  private compacted = 0;
  private closed = false;
  private readonly keys = new MultiVersionKeys();
  private readonly hub = new WatchHub(() => this.revision);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly compactIntervalMs: number,
    private readonly compactRetain: number,
  ) {}

  async start(): Promise<void> {
    this.checkOpen();
    if (this.compactIntervalMs > 0 && !this.timer) {
      this.timer = setInterval(
        () => this.compactTo(this.revision - this.compactRetain),
        this.compactIntervalMs,
      );
      this.timer.unref();
    }
  }

  async get(key: string, revision?: number): Promise<GetResult> {
    const rev = this.readRevision(revision);
    return { revision: rev, kv: this.keys.at(key, rev) };
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const rev = this.readRevision(opts.revision);
    const { kvs, more } = this.keys.range(prefix, opts.startKey ?? prefix, rev, opts.limit ?? 0);
    return { revision: rev, kvs, more };
  }

  async count(prefix: string, opts: CountOptions = {}): Promise<{ revision: number; count: number }> {
    const rev = this.readRevision(opts.revision);
    return { revision: rev, count: this.keys.count(prefix, rev, opts.startKey) };
  }

  async create(key: string, value: Uint8Array): Promise<{ revision: number; kv: KeyValue }> {
    this.checkOpen();
    if (this.keys.at(key, this.revision)) throw new KeyExistsError(key);
    const rev = ++this.revision;
    const kv = this.keys.put(key, rev, rev, value);
    await this.hub.record({ type: 'create', kv });
    return { revision: rev, kv };
  }

  async update(
    key: string,
    value: Uint8Array,
    expectedModRevision: number,
  ): Promise<{ revision: number; kv?: KeyValue; succeeded: boolean }> {
    this.checkOpen();
    const prevKv = this.keys.at(key, this.revision);
    if (!prevKv || prevKv.modRevision !== expectedModRevision) {
      return { revision: this.revision, kv: prevKv, succeeded: false };
    }
    const rev = ++this.revision;
    const kv = this.keys.put(key, rev, prevKv.createRevision, value);
    await this.hub.record({ type: 'update', kv, prevKv });
    return { revision: rev, kv, succeeded: true };
  }

  async delete(
    key: string,
    expectedModRevision?: number,
  ): Promise<{ revision: number; prevKv?: KeyValue; succeeded: boolean }> {
    this.checkOpen();
    const prevKv = this.keys.at(key, this.revision);
    if (!prevKv || (expectedModRevision && prevKv.modRevision !== expectedModRevision)) {
      return { revision: this.revision, prevKv, succeeded: false };
    }
    const rev = ++this.revision;
    this.keys.tombstone(key, rev);
    await this.hub.record({ type: 'delete', kv: { ...prevKv, modRevision: rev }, prevKv });
    return { revision: rev, prevKv, succeeded: true };
  }

  watch(prefix: string, afterRevision: number, opts: WatchOptions): Watcher {
    this.checkOpen();
    if (afterRevision < this.compacted) throw new CompactedError(afterRevision, this.compacted);
    return this.hub.subscribe(prefix, afterRevision, opts);
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.revision;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (revision > this.revision) throw new FutureRevisionError(revision, this.revision);
    this.compactTo(revision);
  }

  compactRevision(): number {
    return this.compacted;
  }

  async dbSize(): Promise<number> {
    return this.keys.bytes();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.hub.closeAll(new StoreClosedError());
  }

  private compactTo(target: number): void {
    if (target <= this.compacted || this.closed) return;
    this.keys.compact(target);
    this.hub.compact(target);
    this.compacted = target;
  }

  private readRevision(revision: number | undefined): number {
    this.checkOpen();
    if (!revision) return this.revision;
    if (revision < this.compacted) throw new CompactedError(revision, this.compacted);
    if (revision > this.revision) throw new FutureRevisionError(revision, this.revision);
    return revision;
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }
}
