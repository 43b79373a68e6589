// Compare-and-swap on modRevision: the write lands only if nobody wrote the key since the
// caller read it. A mismatch is an answer (succeeded=false with the current value), not an error.
import type { KeyValue } from '../types.ts';
import type { Applied, LogState, LogWriter } from './log.ts';

export interface UpdateResult {
  revision: number;
  kv?: KeyValue;
  succeeded: boolean;
}

export const updateOp =
  (log: LogWriter, key: string, value: Uint8Array, expectedModRevision: number) =>
  (state: LogState): Applied<UpdateResult> => {
    const prevKv = log.current(key);
    if (!prevKv || prevKv.modRevision !== expectedModRevision) {
      return { ok: { revision: state.revision, kv: prevKv, succeeded: false } };
    }
    const revision = log.append(state, {
      key,
      created: false,
      deleted: false,
      createRevision: prevKv.createRevision,
      prevRevision: prevKv.modRevision,
      value,
    });
    const kv = { key, value, createRevision: prevKv.createRevision, modRevision: revision };
    return { ok: { revision, kv, succeeded: true }, event: { type: 'update', kv, prevKv } };
  };
