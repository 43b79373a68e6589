// PATCH: apply the patch to the stored object, then the same path as PUT. A patch carries no
// resourceVersion unless it sets one, so a lost race is simply retried on the fresh object;
// one that does set a stale version gets the usual 409. Server-side apply ('apply') also
// creates a missing object and keeps its own managedFields; every other patch records an
// Update entry for its field manager.
import { StatusError, type Status } from '../status.ts';
import type { StoreContext } from './context.ts';
import { checkUnknownFields } from './field-validation.ts';
import { create } from './create.ts';
import { guaranteedUpdate } from './guaranteed-update.ts';
import { serverSideApply } from './patch/apply.ts';
import { patchers } from './patch/index.ts';
import { recordUpdate } from './patch/managed-fields.ts';
import { omitEmptyCollections } from './patch/omit-empty.ts';
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
  opts: { force?: boolean } = {},
): Promise<KubeObject> {
  namespace = scopedNamespace(s, namespace);
  const sub = subresourceStrategy(s, subresource);
  if (type === 'apply') return applyPatch(s, ctx, namespace, name, patchDoc, subresource, opts.force);
  const apply = patchers[type];
  if (!apply) throw patchTypeUnsupported(type);
  return guaranteedUpdate(
    s,
    s.keys.key(namespace, name),
    name,
    ({ obj: current }) => {
      const patched = apply(current, patchDoc) as KubeObject;
      omitEmptyCollections(patched);
      checkRequestObject(s, patched, namespace, name);
      checkUnknownFields(s, ctx, patched, true);
      s.type.defaults?.(patched);
      const decision = decideUpdate(s, patched, current, sub);
      if (ctx.fieldManager) recordUpdate(current, decision.obj, ctx.fieldManager, s.clock(), subresource);
      return decision;
    },
    { dryRun: ctx.dryRun },
  );
}

function applyPatch(
  s: StoreContext,
  ctx: RequestContext,
  namespace: string,
  name: string,
  config: unknown,
  subresource: string | undefined,
  force: boolean | undefined,
): Promise<KubeObject> {
  const sub = subresourceStrategy(s, subresource);
  const manager = ctx.fieldManager ?? 'unknown';
  const options = { manager, force: !!force, now: s.clock(), ...(subresource ? { subresource } : {}) };
  return guaranteedUpdate(
    s,
    s.keys.key(namespace, name),
    name,
    ({ obj: current }) => {
      const applied = serverSideApply(current, config, options);
      omitEmptyCollections(applied);
      checkRequestObject(s, applied, namespace, name);
      checkUnknownFields(s, ctx, applied, true);
      s.type.defaults?.(applied);
      return decideUpdate(s, applied, current, sub);
    },
    {
      dryRun: ctx.dryRun,
      onMissing: subresource
        ? undefined
        : () => {
            const obj = serverSideApply(undefined, config, options);
            const meta = (obj.metadata ??= {});
            meta.name ??= name;
            if (s.type.namespaced) meta.namespace ??= namespace;
            // The Apply entry is already on the object: create must not add an Update one.
            return create(s, { ...ctx, fieldManager: undefined }, namespace, obj);
          },
    },
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
