// Range read as of a revision. For every index entry in the key range, the correlated subquery
// (answered from the (name, id) index alone) keeps only the key's newest row at or below the
// revision; tombstones drop out. Rows come in key order, so LIMIT stops the walk early, which is
// what makes paginated lists cheap.
import type { KeyValue } from '../types.ts';
import type { KeyRange } from './key-range.ts';
import { toKeyValue, type LogRow } from './log.ts';
import type { Db } from './schema.ts';

export const VISIBLE_AT_REVISION = `
  kv.name >= @from AND kv.name < @to
  AND kv.id = (SELECT MAX(m.id) FROM log AS m WHERE m.name = kv.name AND m.id <= @revision)
  AND kv.deleted = 0`;

export function prepareList(db: Db): (range: KeyRange, revision: number, limit: number) => KeyValue[] {
  const stmt = db.prepare<[KeyRange & { revision: number; limit: number }], LogRow>(
    `SELECT kv.id, kv.name, kv.create_revision, kv.deleted, kv.value FROM log AS kv
     WHERE ${VISIBLE_AT_REVISION} ORDER BY kv.name LIMIT @limit`,
  );
  return (range, revision, limit) =>
    stmt.all({ ...range, revision, limit: limit > 0 ? limit : -1 }).map(toKeyValue);
}
