// Background upkeep, one bounded unit of work per event-loop turn so that write batches
// interleave with it: compaction steps, passive WAL checkpoints, and incremental vacuum.
// Each unit is timed; the longest is what a writer can be made to wait (see bench/).
import { checkpoint, vacuumStep } from './checkpoint.ts';
import type { CompactStep } from './compact.ts';
import type { LogState } from './log.ts';
import type { Db } from './schema.ts';

export interface MaintenanceOptions {
  /** Most revisions compacted per step (one transaction); fewer while steps run slow. */
  compactBatch: number;
  /** A passive checkpoint is due after this many commits... */
  checkpointCommits: number;
  /** ...or this many rows written or removed (checkpoint work grows with the pages they touch). */
  checkpointRows: number;
  /** Pages handed back per vacuum step. */
  vacuumPages: number;
}

/** What one compaction step should cost, in ms of event-loop time. */
const STEP_MS = 10;
const MIN_COMPACT_WINDOW = 50;

export type MaintenanceUnit = 'compact' | 'checkpoint' | 'vacuum';

export interface MaintenanceStats {
  /** How many units of each kind ran, and the longest one (ms the event loop was held). */
  units: Record<MaintenanceUnit, { count: number; maxMs: number }>;
  /** The most WAL frames a checkpoint found (how far the WAL grew between checkpoints). */
  maxWalFrames: number;
}

export const emptyMaintenanceStats = (): MaintenanceStats => ({
  units: {
    compact: { count: 0, maxMs: 0 },
    checkpoint: { count: 0, maxMs: 0 },
    vacuum: { count: 0, maxMs: 0 },
  },
  maxWalFrames: 0,
});

export class Maintenance {
  readonly stats = emptyMaintenanceStats();
  private compactTarget = 0;
  /** Revisions in the next compaction step: adapts so that a step takes about STEP_MS. */
  private compactWindow: number;
  private waiters: { revision: number; resolve: () => void; reject: (err: Error) => void }[] = [];
  private commits = 0;
  private rows = 0;
  /** Commits seen by the periodic tick; none since the last tick means the store is idle. */
  private commitsAtLastTick = 0;
  private totalCommits = 0;
  /** Nothing in the WAL file that is not in the database file, and the file is truncated. */
  private walEmpty = false;
  private truncateDue = false;
  private vacuumDue = false;
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly state: LogState,
    private readonly compactStep: CompactStep,
    private readonly opts: MaintenanceOptions,
  ) {
    this.compactWindow = opts.compactBatch;
  }

  /** Compacts up to `revision` in the background; resolves when done. */
  compactTo(revision: number): Promise<void> {
    if (revision <= this.state.compactRevision) return Promise.resolve();
    this.compactTarget = Math.max(this.compactTarget, revision);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ revision, resolve, reject }));
    this.schedule();
    return done;
  }

  /** Called after every write transaction with the number of rows it wrote. */
  noteCommit(rows: number): void {
    this.commits += 1;
    this.totalCommits += 1;
    this.rows += rows;
    this.walEmpty = false;
    // Under churn, freed pages are about to be reused; handing them back now only to grow
    // the file again is wasted I/O. Vacuum waits for a quiet period.
    this.vacuumDue = false;
    if (this.checkpointDue()) this.schedule();
  }

  /**
   * The periodic timer. Checkpoints whatever was written since the last checkpoint. When a whole
   * period passed without writes, the store is idle: truncate the WAL file and give surplus
   * free pages back, so an idle store is one file of about its live size.
   */
  tick(): void {
    const idle = this.totalCommits === this.commitsAtLastTick;
    this.commitsAtLastTick = this.totalCommits;
    if (this.commits > 0) {
      this.commits = this.opts.checkpointCommits;
    } else if (idle) {
      this.truncateDue = !this.walEmpty;
      this.vacuumDue = true;
    }
    this.schedule();
  }

  stop(err: Error): void {
    this.stopped = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(err);
  }

  private checkpointDue(): boolean {
    return this.commits >= this.opts.checkpointCommits || this.rows >= this.opts.checkpointRows;
  }

  private pending(): boolean {
    return (
      this.checkpointDue() ||
      this.truncateDue ||
      this.state.compactRevision < this.compactTarget ||
      this.vacuumDue
    );
  }

  private schedule(): void {
    if (this.scheduled || this.stopped || !this.pending()) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.stopped) return;
      try {
        this.runOneUnit();
      } catch (err) {
        // A failing step (disk full, I/O error) is retried on the next request, not in a loop.
        for (const waiter of this.waiters.splice(0)) waiter.reject(err as Error);
        this.compactTarget = this.state.compactRevision;
        this.vacuumDue = false;
        return;
      }
      this.schedule();
    });
  }

  /** Runs the most urgent unit of work. */
  private runOneUnit(): void {
    if (this.checkpointDue() || this.truncateDue) {
      const mode = this.commits > 0 ? 'PASSIVE' : 'TRUNCATE';
      const { walFrames } = this.timed('checkpoint', () => checkpoint(this.db, mode));
      this.stats.maxWalFrames = Math.max(this.stats.maxWalFrames, walFrames);
      this.commits = this.rows = 0;
      this.truncateDue = false;
      this.walEmpty = mode === 'TRUNCATE';
    } else if (this.state.compactRevision < this.compactTarget) {
      const to = Math.min(this.compactTarget, this.state.compactRevision + this.compactWindow);
      const started = performance.now();
      const removed = this.timed('compact', () => this.compactStep(this.state, to));
      this.adaptCompactWindow(performance.now() - started);
      this.settleWaiters();
      this.noteCommit(removed);
    } else if (this.vacuumDue) {
      const more = this.timed('vacuum', () => vacuumStep(this.db, this.opts.vacuumPages));
      if (more) this.noteCommit(this.opts.vacuumPages);
      this.vacuumDue = more;
    }
  }

  /** A slow disk or a busy machine makes steps slow: take smaller ones, so writers never wait long. */
  private adaptCompactWindow(ms: number): void {
    if (ms > 2 * STEP_MS)
      this.compactWindow = Math.max(MIN_COMPACT_WINDOW, Math.floor(this.compactWindow / 2));
    else if (ms < STEP_MS / 2) this.compactWindow = Math.min(this.opts.compactBatch, this.compactWindow * 2);
  }

  private settleWaiters(): void {
    const reached = this.state.compactRevision;
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.revision > reached) return true;
      waiter.resolve();
      return false;
    });
  }

  private timed<T>(unit: MaintenanceUnit, work: () => T): T {
    const started = performance.now();
    const result = work();
    const stat = this.stats.units[unit];
    stat.count++;
    stat.maxMs = Math.max(stat.maxMs, performance.now() - started);
    return result;
  }
}
