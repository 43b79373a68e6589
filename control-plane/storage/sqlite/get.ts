// Point read as of a revision: the key's newest row at or below it, unless that is a tombstone.
import type { KeyValue } from '../types.ts';
import { toKeyValue, type LogRow } from './log.ts';
import type { Db } from './schema.ts';

export function prepareGet(db: Db): (key: string, revision: number) => KeyValue | undefined {
  const stmt = db.prepare<[string, number], LogRow>(
    `SELECT id, name, create_revision, deleted, value FROM log
     WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1`,
  );
  return (key, revision) => {
    const row = stmt.get(key, revision);
    return row && !row.deleted ? toKeyValue(row) : undefined;
  };
}
