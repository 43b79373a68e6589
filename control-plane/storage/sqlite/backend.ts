// The SQLite Backend: wires the per-operation files together. Everything runs on the caller's
// event loop (docs/storage.md explains why not a worker thread): reads are synchronous SQLite
// queries, writes go through group commit, background upkeep runs in bounded steps between.
import { statSync } from 'node:fs';
import { CompactedError, FutureRevisionError, StoreClosedError } from '../errors.ts';
import type {
  Backend,
  CountOptions,
  GetResult,
  ListOptions,
  ListResult,
  Watcher,
  WatchOptions,
} from '../types.ts';
import { checkpoint, type CheckpointResult } from './checkpoint.ts';
import { prepareCompactStep } from './compact.ts';
import { prepareCount } from './count.ts';
import { createOp, type CreateResult } from './create.ts';
import { deleteOp, type DeleteResult } from './delete.ts';
import { prepareGet } from './get.ts';
import { GroupCommit, type CommittedBatch } from './group-commit.ts';
import { prepareHistory } from './history.ts';
import { prefixRange } from './key-range.ts';
import { prepareList } from './list.ts';
import { prepareLogWriter, type Applied, type LogState } from './log.ts';
import { emptyMaintenanceStats, Maintenance, type MaintenanceStats } from './maintenance.ts';
import { openDatabase, readMeta, readRevision, type Db } from './schema.ts';
import { updateOp, type UpdateResult } from './update.ts';
import { WatchHub } from './watch.ts';

export interface SqliteBackendOptions {
  /** The database file; its -wal file sits next to it. */
  path: string;
  /** Automatic compaction period (like kube-apiserver's 5 minutes); 0 turns automatic compaction off. */
  compactIntervalMs?: number;
  /** Automatic compaction keeps at least this many recent revisions (like kine). */
  compactRetain?: number;
  /** Compact early once this many revisions lie beyond the retained ones (bounds growth under heavy churn). */
  compactBacklog?: number;
  /** Revisions per compaction step (one short transaction). */
  compactBatch?: number;
  /** Most writes per group-commit transaction. */
  maxBatch?: number;
  /** A passive WAL checkpoint runs after this many commits, or rows written... */
  checkpointCommits?: number;
  checkpointRows?: number;
  /** ...or at this period if anything was written; an idle period truncates the WAL file. */
  checkpointIntervalMs?: number;
}

export interface SqliteStats extends MaintenanceStats {
  writes: number;
  batches: number;
  largestBatch: number;
  /** Longest write transaction, fsync included: how long a batch held the event loop. */
  maxCommitMs: number;
  /** All write transactions together: the share of time the event loop spent committing. */
  totalCommitMs: number;
}

const DEFAULTS = {
  compactIntervalMs: 5 * 60_000,
  compactRetain: 1000,
  compactBacklog: 100_000,
  compactBatch: 1000,
  maxBatch: 1000,
  checkpointCommits: 256,
  checkpointRows: 2000,
  checkpointIntervalMs: 1000,
};

interface Opened {
  db: Db;
  state: LogState;
  get: ReturnType<typeof prepareGet>;
  list: ReturnType<typeof prepareList>;
  count: ReturnType<typeof prepareCount>;
  log: ReturnType<typeof prepareLogWriter>;
  commits: GroupCommit;
  hub: WatchHub;
  maintenance: Maintenance;
  timers: NodeJS.Timeout[];
}

export class SqliteBackend implements Backend {
  private readonly opts: typeof DEFAULTS & SqliteBackendOptions;
  private opened?: Opened;
  private closed = false;
  private readonly writeStats = { writes: 0, batches: 0, largestBatch: 0, maxCommitMs: 0, totalCommitMs: 0 };
  private maintenanceStats = emptyMaintenanceStats();

  constructor(options: SqliteBackendOptions) {
    this.opts = { ...DEFAULTS, ...options };
  }

  async start(): Promise<void> {
    if (this.closed) throw new StoreClosedError();
    if (this.opened) return;
    const db = openDatabase(this.opts.path);
    const compactRevision = readMeta(db, 'compact_revision');
    const state: LogState = { revision: Math.max(readRevision(db), compactRevision), compactRevision };
    const hub = new WatchHub(state, prepareHistory(db));
    const maintenance = new Maintenance(db, state, prepareCompactStep(db), {
      compactBatch: this.opts.compactBatch,
      checkpointCommits: this.opts.checkpointCommits,
      checkpointRows: this.opts.checkpointRows,
      vacuumPages: 256,
    });
    const commits = new GroupCommit(db, state, this.opts.maxBatch, (batch) => this.committed(batch));
    const timers = [setInterval(() => maintenance.tick(), this.opts.checkpointIntervalMs)];
    if (this.opts.compactIntervalMs > 0) {
      timers.push(setInterval(() => this.autoCompact(), this.opts.compactIntervalMs));
    }
    for (const timer of timers) timer.unref();
    this.maintenanceStats = maintenance.stats;
    this.opened = {
      db,
      state,
      get: prepareGet(db),
      list: prepareList(db),
      count: prepareCount(db),
      log: prepareLogWriter(db),
      commits,
      hub,
      maintenance,
      timers,
    };
  }

  async get(key: string, revision?: number): Promise<GetResult> {
    const o = this.use();
    const at = this.readRevision(o, revision);
    return { revision: at, kv: o.get(key, at) };
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const o = this.use();
    const at = this.readRevision(o, opts.revision);
    const limit = opts.limit ?? 0;
    // One extra row tells whether there is more.
    const kvs = o.list(prefixRange(prefix, opts.startKey), at, limit > 0 ? limit + 1 : 0);
    const more = limit > 0 && kvs.length > limit;
    return { revision: at, kvs: more ? kvs.slice(0, limit) : kvs, more };
  }

  async count(prefix: string, opts: CountOptions = {}): Promise<{ revision: number; count: number }> {
    const o = this.use();
    const at = this.readRevision(o, opts.revision);
    return { revision: at, count: o.count(prefixRange(prefix, opts.startKey), at) };
  }

  create(key: string, value: Uint8Array): Promise<CreateResult> {
    return this.write((o) => createOp(o.log, key, value));
  }

  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<UpdateResult> {
    return this.write((o) => updateOp(o.log, key, value, expectedModRevision));
  }

  delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    return this.write((o) => deleteOp(o.log, key, expectedModRevision));
  }

  watch(prefix: string, afterRevision: number, opts: WatchOptions): Watcher {
    return this.use().hub.watch(prefix, afterRevision, opts);
  }

  async currentRevision(): Promise<number> {
    return this.use().state.revision;
  }

  async compact(revision: number): Promise<void> {
    const o = this.use();
    if (revision > o.state.revision) throw new FutureRevisionError(revision, o.state.revision);
    await o.maintenance.compactTo(revision);
  }

  compactRevision(): number {
    return this.opened?.state.compactRevision ?? 0;
  }

  async dbSize(): Promise<number> {
    const size = (file: string) => statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    return size(this.opts.path) + size(`${this.opts.path}-wal`);
  }

  /** Runs a WAL checkpoint now (diagnostics, tests, before copying the file). */
  checkpoint(mode: 'PASSIVE' | 'TRUNCATE' = 'PASSIVE'): CheckpointResult {
    return checkpoint(this.use().db, mode);
  }

  /**
   * Copies the store to `destination` while it keeps serving (SQLite's online backup, a few
   * pages per turn): the copy is one consistent revision, openable as a store of its own.
   */
  async backup(destination: string): Promise<void> {
    await this.use().db.backup(destination);
  }

  /** Counters for metrics and the benchmark. */
  stats(): SqliteStats {
    return structuredClone({ ...this.writeStats, ...this.maintenanceStats });
  }

  async close(): Promise<void> {
    this.closed = true;
    const o = this.opened;
    if (!o) return;
    o.commits.drain(); // queued writes were accepted: commit them rather than drop them
    this.opened = undefined;
    for (const timer of o.timers) clearInterval(timer);
    o.maintenance.stop(new StoreClosedError());
    o.hub.closeAll(new StoreClosedError());
    try {
      checkpoint(o.db, 'TRUNCATE'); // leave a single self-contained file behind
    } finally {
      o.db.close();
    }
  }

  private write<T>(op: (o: Opened) => (state: LogState) => Applied<T>): Promise<T> {
    let o: Opened;
    try {
      o = this.use();
    } catch (err) {
      return Promise.reject(err);
    }
    return o.commits.submit(op(o));
  }

  private committed(batch: CommittedBatch): void {
    const o = this.opened!;
    const s = this.writeStats;
    s.writes += batch.writes;
    s.batches += 1;
    s.largestBatch = Math.max(s.largestBatch, batch.writes);
    s.maxCommitMs = Math.max(s.maxCommitMs, batch.millis);
    s.totalCommitMs += batch.millis;
    o.hub.publish(batch.events, o.state.revision);
    o.maintenance.noteCommit(batch.events.length);
    const backlog = o.state.revision - o.state.compactRevision - this.opts.compactRetain;
    if (this.opts.compactIntervalMs > 0 && backlog >= this.opts.compactBacklog) this.autoCompact();
  }

  private autoCompact(): void {
    const o = this.opened;
    const target = (o?.state.revision ?? 0) - this.opts.compactRetain;
    if (o && target > o.state.compactRevision) o.maintenance.compactTo(target).catch(() => {});
  }

  private use(): Opened {
    if (this.opened) return this.opened;
    throw this.closed ? new StoreClosedError() : new Error('store not started: call start() first');
  }

  private readRevision(o: Opened, requested?: number): number {
    const { revision, compactRevision } = o.state;
    if (!requested) return revision;
    if (requested > revision) throw new FutureRevisionError(requested, revision);
    if (requested < compactRevision) throw new CompactedError(requested, compactRevision);
    return requested;
  }
}
