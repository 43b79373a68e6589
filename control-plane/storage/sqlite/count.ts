// Number of live keys in a range as of a revision (same visibility rule as list).
import type { KeyRange } from './key-range.ts';
import { VISIBLE_AT_REVISION } from './list.ts';
import type { Db } from './schema.ts';

export function prepareCount(db: Db): (range: KeyRange, revision: number) => number {
  const stmt = db.prepare<[KeyRange & { revision: number }], { n: number }>(
    `SELECT COUNT(*) AS n FROM log AS kv WHERE ${VISIBLE_AT_REVISION}`,
  );
  return (range, revision) => stmt.get({ ...range, revision })!.n;
}
