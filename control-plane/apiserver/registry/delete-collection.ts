// DELETE on a collection: every object the selectors match (at one revision) goes through the
// single-object delete, a few at a time; the answer is the list of what was deleted, as listed.
import { StatusError } from '../status.ts';
import type { StoreContext } from './context.ts';
import { deleteObject } from './delete.ts';
import { list } from './list.ts';
import type { DeleteOptions, KubeObject, ListOptions, RequestContext } from './types.ts';

const inFlight = 8;

export async function deleteCollection(
  s: StoreContext,
  ctx: RequestContext,
  namespace: string,
  listOpts: ListOptions,
  opts: DeleteOptions,
): Promise<KubeObject> {
  const listed = await list(s, namespace, listOpts);
  const items: KubeObject[] = listed.items;
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const meta = items[next++]!.metadata!;
      try {
        await deleteObject(s, ctx, meta.namespace ?? '', meta.name, { ...opts });
      } catch (err) {
        // Gone meanwhile: that is what we wanted.
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, worker));
  return listed;
}
