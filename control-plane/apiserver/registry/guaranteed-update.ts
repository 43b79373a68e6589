// Read-modify-write with compare-and-swap, retried when another writer got in first (upstream's
// storage.GuaranteedUpdate). The caller's function decides from the current object; it runs
// again on a fresh read after a lost race, so a stale client resourceVersion turns into a 409
// there while unconditional writes (and patches) simply retry. Writes that change nothing are
// skipped and return the stored version.
import type { KeyValue } from '../../storage/types.ts';
import { notFound, StatusError } from '../status.ts';
import type { StoreContext } from './context.ts';
import { deepEqual } from './deep-equal.ts';
import { fromStorageError } from './errors.ts';
import type { KubeObject } from './types.ts';

export type UpdateDecision =
  /** Store `obj` (skipped when equal to the current object). */
  | { action: 'store'; obj: KubeObject }
  /** Remove the key (finalized during update); `obj` is what the caller gets back. */
  | { action: 'delete'; obj: KubeObject };

export interface Current {
  /** A fresh decode: the function may keep it but should not expect later attempts to see its edits. */
  obj: KubeObject;
  kv: KeyValue;
}

export interface GuaranteedUpdateOptions {
  dryRun?: boolean;
  /** Called when the key is missing; without it a missing key is 404. Create races are retried. */
  onMissing?: () => Promise<KubeObject>;
}

export async function guaranteedUpdate(
  s: StoreContext,
  key: string,
  name: string,
  decide: (current: Current) => UpdateDecision | Promise<UpdateDecision>,
  opts: GuaranteedUpdateOptions = {},
): Promise<KubeObject> {
  let kv = await read(s, key, name);
  for (;;) {
    if (!kv) {
      if (!opts.onMissing) throw notFound(s.gr, name);
      try {
        return await opts.onMissing();
      } catch (err) {
        if (!(err instanceof StatusError && err.status.reason === 'AlreadyExists')) throw err;
        kv = await read(s, key, name);
        continue;
      }
    }
    const current = s.codec.decode(kv);
    const decision = await decide({ obj: s.codec.decode(kv), kv });
    const obj = decision.obj;
    (obj.metadata ??= {}).resourceVersion = current.metadata!.resourceVersion;

    if (decision.action === 'store') {
      if (opts.dryRun || deepEqual(obj, current)) return obj;
      const hook = await s.hooks?.beforeUpdate?.(obj, current);
      const r = await s.backend.update(key, s.codec.encode(key, obj), kv.modRevision).catch(async (err) => {
        await hook?.undo();
        throw fromStorageError(err, s.gr, name);
      });
      if (r.succeeded) {
        await hook?.commit?.();
        obj.metadata.resourceVersion = String(r.kv!.modRevision);
        return obj;
      }
      await hook?.undo();
      kv = r.kv;
    } else {
      if (opts.dryRun) return obj;
      const r = await s.backend.delete(key, kv.modRevision).catch((err) => {
        throw fromStorageError(err, s.gr, name);
      });
      if (r.succeeded) {
        await s.hooks?.afterDelete?.(current);
        return obj;
      }
      kv = r.prevKv;
    }
  }
}

async function read(s: StoreContext, key: string, name: string): Promise<KeyValue | undefined> {
  try {
    return (await s.backend.get(key)).kv;
  } catch (err) {
    throw fromStorageError(err, s.gr, name);
  }
}
