// Group commit on a real SQLite file: batching, and isolation when SQLite itself fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOp } from './create.ts';
import { GroupCommit, type CommittedBatch } from './group-commit.ts';
import { prepareLogWriter, type LogState } from './log.ts';
import { openDatabase, readRevision, type Db } from './schema.ts';

describe('GroupCommit', () => {
  let dir: string;
  let db: Db;
  let state: LogState;
  let batches: CommittedBatch[];
  let commits: GroupCommit;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-group-commit-'));
    db = openDatabase(join(dir, 'store.db'));
    state = { revision: readRevision(db), compactRevision: 0 };
    batches = [];
    commits = new GroupCommit(db, state, 100, (batch) => batches.push(batch));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const value = new Uint8Array([1]);

  it('commits the writes of one event-loop turn in one transaction, and caps the batch size', async () => {
    const log = prepareLogWriter(db);
    const results = await Promise.all(
      Array.from({ length: 250 }, (_, i) => commits.submit(createOp(log, `/k/${i}`, value))),
    );
    expect(results.map((r) => r.revision)).toEqual(Array.from({ length: 250 }, (_, i) => 2 + i));
    expect(batches.map((b) => b.writes)).toEqual([100, 100, 50]);
    expect(batches.flatMap((b) => b.events.map((e) => e.kv.modRevision))).toEqual(
      results.map((r) => r.revision),
    );
  });

  it('when SQLite fails one write, rolls back and retries the others one by one', async () => {
    const log = prepareLogWriter(db);
    // A write that breaks a real constraint: it reuses revision 2, which the first write takes.
    const insertDuplicate = db.prepare(
      `INSERT INTO log (id, name, created, deleted, create_revision, prev_revision, value) VALUES (2, 'x', 1, 0, 2, 0, x'')`,
    );
    const broken = (s: LogState) => {
      insertDuplicate.run();
      s.revision = 2;
      return { ok: 'never' };
    };
    const outcomes = await Promise.allSettled([
      commits.submit(createOp(log, '/a', value)),
      commits.submit(broken),
      commits.submit(createOp(log, '/b', value)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason.code).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    const revisions = outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as any).value.revision);
    expect(revisions).toEqual([2, 3]);
    // What the process believes matches what is on disk.
    expect(state.revision).toBe(3);
    expect(readRevision(db)).toBe(3);
    expect(log.current('/a')?.modRevision).toBe(2);
    expect(log.current('/b')?.modRevision).toBe(3);
  });
});
