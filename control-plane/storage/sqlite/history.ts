// Reads past events back out of the log, for watches that start at an old revision. Each row is
// one event; the row it superseded (prev_revision) gives prevKv, and for a tombstone also the
// deleted value. Compaction removes a row's predecessor only together with the row itself
// (see compact.ts), so every event above the compact revision can be rebuilt.
import type { KeyValue, WatchEvent } from '../types.ts';
import type { KeyRange } from './key-range.ts';
import type { Db } from './schema.ts';

interface EventRow {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  value: Buffer;
  prev_id: number | null;
  prev_create_revision: number | null;
  prev_value: Buffer | null;
}

/** Events in revision order for keys in `range`, with after < revision <= upTo. */
export type HistoryReader = (range: KeyRange, after: number, upTo: number) => WatchEvent[];

export function prepareHistory(db: Db): HistoryReader {
  const stmt = db.prepare<[KeyRange & { after: number; upTo: number }], EventRow>(
    `SELECT kv.id, kv.name, kv.created, kv.deleted, kv.create_revision, kv.value,
            p.id AS prev_id, p.create_revision AS prev_create_revision, p.value AS prev_value
     FROM log AS kv LEFT JOIN log AS p ON p.id = kv.prev_revision AND kv.prev_revision != 0
     WHERE kv.id > @after AND kv.id <= @upTo AND +kv.name >= @from AND +kv.name < @to
     ORDER BY kv.id`, // "+name": walk the revision range, not the name index
  );
  return (range, after, upTo) => stmt.all({ ...range, after, upTo }).map(toEvent);
}

function toEvent(row: EventRow): WatchEvent {
  const prevKv: KeyValue | undefined =
    row.prev_id === null
      ? undefined
      : {
          key: row.name,
          value: row.prev_value!,
          createRevision: row.prev_create_revision!,
          modRevision: row.prev_id,
        };
  const kv = (value: Uint8Array): KeyValue => ({
    key: row.name,
    value,
    createRevision: row.create_revision,
    modRevision: row.id,
  });
  if (row.created) return { type: 'create', kv: kv(row.value) };
  if (row.deleted) return { type: 'delete', kv: kv(prevKv?.value ?? row.value), prevKv };
  return { type: 'update', kv: kv(row.value), prevKv };
}
