// PUT (and the common second half of PATCH): optimistic concurrency on
// metadata.resourceVersion, server-owned metadata carried over from the stored object, the
// status split between the main resource and /status, generation bumped on spec changes, and
// removal when the last finalizer of a deleting object goes.
import { invalid as invalidField } from '../../../api/validation/errors.ts';
import { conflict, invalid } from '../status.ts';
import type { StoreContext } from './context.ts';
import { create } from './create.ts';
import { equalExcept } from './deep-equal.ts';
import { checkUnknownFields } from './field-validation.ts';
import { optimisticLockMessage, subresourceNotFound } from './errors.ts';
import { guaranteedUpdate, type UpdateDecision } from './guaranteed-update.ts';
import { checkTypeMeta, scopedNamespace, settleName, settleNamespace } from './request-object.ts';
import type { SubresourceUpdateStrategy } from './strategies/strategy.ts';
import type { KubeObject, RequestContext } from './types.ts';
import { validateForUpdate } from './validation.ts';
import { recordUpdate } from './patch/managed-fields.ts';

export async function update(
  s: StoreContext,
  ctx: RequestContext,
  namespace: string,
  name: string,
  body: KubeObject,
  subresource?: string,
): Promise<KubeObject> {
  namespace = scopedNamespace(s, namespace);
  const sub = subresourceStrategy(s, subresource);
  checkRequestObject(s, body, namespace, name);
  checkUnknownFields(s, ctx, body);
  s.type.defaults?.(body);
  const createOnUpdate = !sub && s.strategy.allowCreateOnUpdate;
  return guaranteedUpdate(
    s,
    s.keys.key(namespace, name),
    name,
    ({ obj: old }) => {
      const decision = decideUpdate(s, body, old, sub);
      if (ctx.fieldManager) recordUpdate(old, decision.obj, ctx.fieldManager, s.clock(), subresource);
      return decision;
    },
    {
      dryRun: ctx.dryRun,
      onMissing: createOnUpdate ? () => create(s, ctx, namespace, structuredClone(body)) : undefined,
    },
  );
}

export function subresourceStrategy(s: StoreContext, subresource: string | undefined) {
  if (!subresource) return undefined;
  const sub = s.strategy.subresourceUpdates[subresource];
  if (!sub) throw subresourceNotFound();
  return sub;
}

export function checkRequestObject(s: StoreContext, obj: KubeObject, namespace: string, name: string): void {
  checkTypeMeta(s, obj);
  settleNamespace(s, obj, namespace);
  settleName(obj, name);
}

/**
 * The object to store in place of `old`, given what the client wants (`wanted`, not mutated).
 * Throws 409 when `wanted` carries a resourceVersion other than the stored one.
 */
export function decideUpdate(
  s: StoreContext,
  wanted: KubeObject,
  old: KubeObject,
  sub: SubresourceUpdateStrategy | undefined,
): UpdateDecision {
  const name = old.metadata!.name;
  const wantedVersion = wanted.metadata?.resourceVersion;
  if (wantedVersion) {
    if (wantedVersion !== old.metadata!.resourceVersion) throw conflict(s.gr, name, optimisticLockMessage);
  } else if (!s.strategy.allowUnconditionalUpdate) {
    throw invalid(s.type.kind, s.type.group, name, [
      invalidField('metadata.resourceVersion', 0, 'must be specified for an update'),
    ]);
  }

  const obj = sub ? sub.prepareForUpdate(wanted, old) : { ...wanted };
  obj.metadata = keepSystemFields({ ...obj.metadata }, old.metadata!);
  if (!sub) s.strategy.prepareForUpdate(obj, old);
  validateForUpdate(s, obj, old, sub?.validateUpdate?.(obj, old));
  s.strategy.canonicalize?.(obj);
  if (old.metadata!.generation > 0 && !equalExcept(obj, old, ['metadata', 'status']))
    obj.metadata.generation = old.metadata!.generation + 1;

  return s.strategy.shouldDeleteDuringUpdate(obj, old) ? { action: 'delete', obj } : { action: 'store', obj };
}

/** Upstream BeforeUpdate: what an update may never change is taken from the stored object. */
function keepSystemFields(meta: Record<string, any>, old: Record<string, any>): Record<string, any> {
  if (!meta.uid) meta.uid = old.uid;
  meta.creationTimestamp = old.creationTimestamp;
  meta.generation = old.generation;
  setOrDelete(meta, 'deletionTimestamp', old.deletionTimestamp);
  setOrDelete(meta, 'deletionGracePeriodSeconds', old.deletionGracePeriodSeconds);
  delete meta.selfLink;
  return meta;
}

function setOrDelete(meta: Record<string, any>, field: string, value: unknown): void {
  if (value === undefined || value === null) delete meta[field];
  else meta[field] = value;
}
