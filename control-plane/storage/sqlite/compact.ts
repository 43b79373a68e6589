// Compaction forgets history in small steps, each its own short transaction, so writers
// waiting behind it are delayed by one step at most (never by a whole 5-minute backlog).
//
// A step covers the revisions (compactRevision, to]. A row in that window makes the row it
// superseded (prev_revision) unreachable at any revision >= to, so that row goes; tombstones in
// the window go too (their predecessor went with the first rule). Every superseded row is named
// by exactly one successor, so walking the windows in order removes everything at or below the
// target except the newest row of each live key — and nothing an event above the target needs.
import type { LogState } from './log.ts';
import type { Db } from './schema.ts';

/** Compacts (state.compactRevision, to]; returns the number of rows removed. */
export type CompactStep = (state: LogState, to: number) => number;

export function prepareCompactStep(db: Db): CompactStep {
  const superseded = db.prepare(
    `DELETE FROM log WHERE id IN
       (SELECT prev_revision FROM log WHERE id > ? AND id <= ? AND prev_revision != 0)`,
  );
  const tombstones = db.prepare('DELETE FROM log WHERE id > ? AND id <= ? AND deleted = 1');
  const save = db.prepare(
    `INSERT INTO meta (key, value) VALUES ('compact_revision', ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  );
  const step = db.transaction((from: number, to: number) => {
    const removed = superseded.run(from, to).changes + tombstones.run(from, to).changes;
    save.run(to);
    return removed;
  });
  return (state, to) => {
    const removed = step(state.compactRevision, to);
    state.compactRevision = to;
    return removed;
  };
}
