// WAL upkeep. SQLite's automatic checkpoint runs inside whichever COMMIT crosses the threshold;
// we switch it off and run PASSIVE checkpoints ourselves between batches, often enough that each
// copies little. With no reader holding an old snapshot (we hold the file exclusively), a
// passive checkpoint completes, and the next write starts the WAL over from the beginning.
import type { Db } from './schema.ts';

export interface CheckpointResult {
  /** Frames that were in the WAL. */
  walFrames: number;
  /** Frames copied into the database file. */
  checkpointed: number;
}

export function checkpoint(db: Db, mode: 'PASSIVE' | 'TRUNCATE' = 'PASSIVE'): CheckpointResult {
  const [row] = db.pragma(`wal_checkpoint(${mode})`) as { log: number; checkpointed: number }[];
  return { walFrames: row.log, checkpointed: row.checkpointed };
}

/**
 * Gives free pages back to the file system, at most `pages` per call, while they are more than
 * a quarter of the file (and over 4 MiB): a reserve stays for the next inserts to reuse.
 * Returns true if more remains.
 */
export function vacuumStep(db: Db, pages: number): boolean {
  const free = db.pragma('freelist_count', { simple: true }) as number;
  const total = db.pragma('page_count', { simple: true }) as number;
  if (free <= 1024 || free * 4 <= total) return false;
  db.pragma(`incremental_vacuum(${pages})`);
  return true;
}
