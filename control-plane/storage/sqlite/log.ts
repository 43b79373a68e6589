// Primitives on the log table shared by the write operations: "what is the key's live value"
// and "append the next revision". Writes run one at a time inside a group-commit transaction.
import type { KeyValue, WatchEvent } from '../types.ts';
import type { Db } from './schema.ts';

/** What this process knows about the log. Only the writer (group commit, compaction) changes it. */
export interface LogState {
  /** The newest revision written (inside an open batch: including its uncommitted writes). */
  revision: number;
  /** Revisions at or below this are compacted (reads at exactly this revision still work). */
  compactRevision: number;
}

/** Outcome of one write inside a batch: a result (and the event it caused), or a refusal. */
export type Applied<T> = { ok: T; event?: WatchEvent } | { error: Error };

export interface LogRow {
  id: number;
  name: string;
  create_revision: number;
  deleted: number;
  value: Buffer;
}

export interface NewRow {
  key: string;
  created: boolean;
  deleted: boolean;
  /** 0 for a create: the row's own revision. */
  createRevision: number;
  prevRevision: number;
  value: Uint8Array;
}

export interface LogWriter {
  /** The key's live value, or undefined when it is absent or deleted. */
  current(key: string): KeyValue | undefined;
  /** Appends a row at the next revision and returns that revision. */
  append(state: LogState, row: NewRow): number;
}

export const toKeyValue = (row: LogRow): KeyValue => ({
  key: row.name,
  value: row.value,
  createRevision: row.create_revision,
  modRevision: row.id,
});

export function prepareLogWriter(db: Db): LogWriter {
  const latest = db.prepare<[string], LogRow>(
    'SELECT id, name, create_revision, deleted, value FROM log WHERE name = ? ORDER BY id DESC LIMIT 1',
  );
  const insert = db.prepare(
    `INSERT INTO log (id, name, created, deleted, create_revision, prev_revision, value)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  return {
    current(key) {
      const row = latest.get(key);
      return row && !row.deleted ? toKeyValue(row) : undefined;
    },
    append(state, row) {
      const revision = state.revision + 1;
      insert.run(
        revision,
        row.key,
        row.created ? 1 : 0,
        row.deleted ? 1 : 0,
        row.createRevision || revision,
        row.prevRevision,
        row.value,
      );
      state.revision = revision;
      return revision;
    },
  };
}
