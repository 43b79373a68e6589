// GET one object.
import { notFound } from '../status.ts';
import type { StoreContext } from './context.ts';
import { fromStorageError } from './errors.ts';
import { scopedNamespace } from './request-object.ts';
import type { KubeObject } from './types.ts';

export async function get(s: StoreContext, namespace: string, name: string): Promise<KubeObject> {
  const key = s.keys.key(scopedNamespace(s, namespace), name);
  const { kv } = await s.backend.get(key).catch((err) => {
    throw fromStorageError(err, s.gr, name);
  });
  if (!kv) throw notFound(s.gr, name);
  return s.codec.decode(kv);
}
