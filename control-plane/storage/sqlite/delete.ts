// Delete appends a tombstone row. The tombstone stores no value: the deleted value is the
// row it supersedes (prev_revision), which compaction removes together with the tombstone.
import type { KeyValue } from '../types.ts';
import type { Applied, LogState, LogWriter } from './log.ts';

export interface DeleteResult {
  revision: number;
  prevKv?: KeyValue;
  succeeded: boolean;
}

const EMPTY = new Uint8Array(0);

export const deleteOp =
  (log: LogWriter, key: string, expectedModRevision?: number) =>
  (state: LogState): Applied<DeleteResult> => {
    const prevKv = log.current(key);
    if (!prevKv || (expectedModRevision && prevKv.modRevision !== expectedModRevision)) {
      return { ok: { revision: state.revision, prevKv, succeeded: false } };
    }
    const revision = log.append(state, {
      key,
      created: false,
      deleted: true,
      createRevision: prevKv.createRevision,
      prevRevision: prevKv.modRevision,
      value: EMPTY,
    });
    const kv = { key, value: prevKv.value, createRevision: prevKv.createRevision, modRevision: revision };
    return { ok: { revision, prevKv, succeeded: true }, event: { type: 'delete', kv, prevKv } };
  };
