// PATCH: apply the patch to the stored object, then the same path as PUT. A patch carries no
// resourceVersion unless it sets one, so a lost race is simply retried on the fresh object;
// one that does set a stale version gets the usual 409.
import { StatusError, type Status } from '../status.ts';
import type { StoreContext } from './context.ts';
import { guaranteedUpdate } from './guaranteed-update.ts';
import { patchers } from './patch/index.ts';
import { scopedNamespace } from './request-object.ts';
import type { KubeObject, PatchType, RequestContext } from './types.ts';
import { checkRequestObject, decideUpdate, subresourceStrategy } from './update.ts';

export async function patch(
  s: StoreContext,
  ctx: RequestContext,
  namespace: string,
  name: string,
  type: PatchType,
  patchDoc: unknown,
  subresource?: string,
): Promise<KubeObject> {
  namespace = scopedNamespace(s, namespace);
  const sub = subresourceStrategy(s, subresource);
  const apply = patchers[type];
  if (!apply) throw patchTypeUnsupported(type);
  return guaranteedUpdate(
    s,
    s.keys.key(namespace, name),
    name,
    ({ obj: current }) => {
      const patched = apply(current, patchDoc) as KubeObject;
      checkRequestObject(s, patched, namespace, name);
      s.type.defaults?.(patched);
      return decideUpdate(s, patched, current, sub);
    },
    { dryRun: ctx.dryRun },
  );
}

function patchTypeUnsupported(type: PatchType): StatusError {
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `the patch type "${type}" is not supported yet by this server`,
    reason: 'UnsupportedMediaType',
    code: 415,
  };
  return new StatusError(status);
}
