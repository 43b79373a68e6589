// Create-if-absent: a key may be created when it never existed or its last row is a tombstone.
import { KeyExistsError } from '../errors.ts';
import type { KeyValue } from '../types.ts';
import type { Applied, LogState, LogWriter } from './log.ts';

export interface CreateResult {
  revision: number;
  kv: KeyValue;
}

export const createOp =
  (log: LogWriter, key: string, value: Uint8Array) =>
  (state: LogState): Applied<CreateResult> => {
    if (log.current(key)) return { error: new KeyExistsError(key) };
    const revision = log.append(state, {
      key,
      created: true,
      deleted: false,
      createRevision: 0,
      prevRevision: 0,
      value,
    });
    const kv = { key, value, createRevision: revision, modRevision: revision };
    return { ok: { revision, kv }, event: { type: 'create', kv } };
  };
