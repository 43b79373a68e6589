// DELETE: preconditions, then either removal or the start of a deletion someone else finishes:
// graceful deletion (a bound pod's kubelet), finalizers (their controllers), the garbage
// collector's orphan/foregroundDeletion finalizers from propagationPolicy, and type rules of
// their own (namespaces). Follows upstream's Store.Delete / rest.BeforeDelete.
import { notSupported } from '../../../api/validation/errors.ts';
import { invalid } from '../status.ts';
import type { StoreContext } from './context.ts';
import { kindConflict } from './errors.ts';
import { guaranteedUpdate, type UpdateDecision } from './guaranteed-update.ts';
import { addSeconds, finalizersOf, rfc3339 } from './object-meta.ts';
import { scopedNamespace } from './request-object.ts';
import type { GarbageCollectionPolicy } from './strategies/strategy.ts';
import type { DeleteOptions, KubeObject, RequestContext } from './types.ts';

const orphanFinalizer = 'orphan';
const foregroundFinalizer = 'foregroundDeletion';
const propagationPolicies = ['Orphan', 'Background', 'Foreground'];

export async function deleteObject(
  s: StoreContext,
  ctx: RequestContext,
  namespace: string,
  name: string,
  opts: DeleteOptions,
): Promise<KubeObject> {
  namespace = scopedNamespace(s, namespace);
  validateDeleteOptions(opts);
  return guaranteedUpdate(s, s.keys.key(namespace, name), name, ({ obj }) => decideDelete(s, obj, opts), {
    dryRun: ctx.dryRun,
  });
}

function validateDeleteOptions(opts: DeleteOptions): void {
  if (opts.propagationPolicy !== undefined && !propagationPolicies.includes(opts.propagationPolicy)) {
    throw invalid('DeleteOptions', 'meta.k8s.io', '', [
      notSupported('propagationPolicy', opts.propagationPolicy, propagationPolicies),
    ]);
  }
}

/** What to do with `obj` (a fresh copy, mutated here) for this delete request. */
function decideDelete(s: StoreContext, obj: KubeObject, opts: DeleteOptions): UpdateDecision {
  checkPreconditions(s, obj, opts);
  const meta = obj.metadata!;
  const now = rfc3339(s.clock());
  // Negative grace periods mean "as soon as possible", like upstream.
  const requestedGrace =
    opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0 ? 1 : opts.gracePeriodSeconds;

  const own = s.strategy.beforeDelete?.(obj, opts, now) ?? 'continue';
  if (own === 'wait') return { action: 'store', obj };
  if (own === 'mark') {
    applyGarbageCollectionFinalizers(obj, s.strategy.gcPolicy, opts);
    return { action: 'store', obj };
  }

  let graceful = false;
  let grace = 0;
  if (s.strategy.checkGracefulDelete) {
    const current = meta.deletionGracePeriodSeconds;
    if (meta.deletionTimestamp && current) {
      // Already terminating with a grace period: a delete may only shorten it.
      if (requestedGrace === undefined || requestedGrace >= current) return { action: 'store', obj };
      meta.deletionTimestamp = addSeconds(meta.deletionTimestamp, requestedGrace - current);
      meta.deletionGracePeriodSeconds = requestedGrace;
      graceful = true;
      grace = requestedGrace;
    } else if (!meta.deletionTimestamp) {
      const period = s.strategy.checkGracefulDelete(obj, { ...opts, gracePeriodSeconds: requestedGrace });
      if (period !== undefined) {
        meta.deletionTimestamp = addSeconds(now, period);
        meta.deletionGracePeriodSeconds = period;
        if (meta.generation > 0) meta.generation++;
        graceful = true;
        grace = period;
      }
    }
  }

  applyGarbageCollectionFinalizers(obj, s.strategy.gcPolicy, opts);
  const pendingFinalizers = finalizersOf(obj).length > 0;
  if (graceful) return pendingFinalizers || grace > 0 ? { action: 'store', obj } : { action: 'delete', obj };
  if (!pendingFinalizers) return { action: 'delete', obj };
  markAsDeleting(meta, now);
  return { action: 'store', obj };
}

function checkPreconditions(s: StoreContext, obj: KubeObject, opts: DeleteOptions): void {
  const p = opts.preconditions;
  if (!p) return;
  const { uid, resourceVersion, name } = obj.metadata!;
  if (p.uid && p.uid !== uid) {
    throw kindConflict(
      s.type.group,
      s.type.kind,
      name,
      `the UID in the precondition (${p.uid}) does not match the UID in record (${uid}). The object might have been deleted and then recreated`,
    );
  }
  if (p.resourceVersion && p.resourceVersion !== resourceVersion) {
    throw kindConflict(
      s.type.group,
      s.type.kind,
      name,
      `the ResourceVersion in the precondition (${p.resourceVersion}) does not match the ResourceVersion in record (${resourceVersion}). The object might have been modified`,
    );
  }
}

/** Upstream markAsDeleting: deletion waits for finalizers only, no grace period. */
function markAsDeleting(meta: Record<string, any>, now: string): void {
  if (!meta.deletionTimestamp && meta.generation > 0) meta.generation++;
  if (!meta.deletionTimestamp || meta.deletionTimestamp > now) meta.deletionTimestamp = now;
  meta.deletionGracePeriodSeconds = 0;
}

/**
 * The orphan / foregroundDeletion finalizers the garbage collector acts on, from the request's
 * propagationPolicy or else from what the object already asks for (upstream's
 * deletionFinalizersForGarbageCollection). Background deletion needs no finalizer.
 */
function applyGarbageCollectionFinalizers(
  obj: KubeObject,
  policy: GarbageCollectionPolicy,
  opts: DeleteOptions,
): void {
  if (policy === 'Unsupported') return;
  const existing = finalizersOf(obj);
  const requested = opts.propagationPolicy;
  const orphan = requested
    ? requested === 'Orphan'
    : existing.includes(orphanFinalizer) ||
      (policy === 'OrphanDependents' && !existing.includes(foregroundFinalizer));
  const foreground = requested ? requested === 'Foreground' : existing.includes(foregroundFinalizer);
  const next = existing.filter((f) => f !== orphanFinalizer && f !== foregroundFinalizer);
  if (orphan) next.push(orphanFinalizer);
  if (foreground) next.push(foregroundFinalizer);
  const same = next.length === existing.length && next.every((f) => existing.includes(f));
  if (!same) obj.metadata!.finalizers = next;
}
