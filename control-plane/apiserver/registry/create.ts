// POST: a new object. Server-owned metadata is (re)set here whatever the client sent, the
// namespace must exist and not be terminating (upstream's NamespaceLifecycle admission), then
// defaults -> mutating admission -> prepareForCreate -> validation -> canonicalize ->
// validating admission -> allocation hooks (service IPs and ports) -> store.
import { tracksGeneration } from './generation.ts';
import { KeyExistsError } from '../../storage/errors.ts';
import { forbiddenNamespaceTerminating, namespaceNotFound, type StatusError } from '../status.ts';
import type { StoreContext } from './context.ts';
import { fromStorageError } from './errors.ts';
import { checkUnknownFields } from './field-validation.ts';
import { generateName, metadataOf, newUID, rfc3339 } from './object-meta.ts';
import { checkTypeMeta, scopedNamespace, settleNamespace } from './request-object.ts';
import type { KubeObject, RequestContext } from './types.ts';
import { recordUpdate } from './patch/managed-fields.ts';
import { validateForCreate } from './validation.ts';

/** Upstream's maxNameGenerationCreateAttempts. */
const maxGenerateNameAttempts = 8;

export async function create(
  s: StoreContext,
  ctx: RequestContext,
  namespace: string,
  obj: KubeObject,
): Promise<KubeObject> {
  namespace = scopedNamespace(s, namespace);
  checkTypeMeta(s, obj);
  checkUnknownFields(s, ctx, obj);
  settleNamespace(s, obj, namespace);
  const meta = metadataOf(obj);
  clearSystemFields(meta);
  s.type.defaults?.(obj);
  if (s.type.namespaced) await checkNamespaceAcceptsContent(s, namespace, meta.name ?? '');
  const admission = s.admission && {
    operation: 'CREATE' as const,
    type: s.type,
    namespace,
    name: meta.name ?? '',
    object: obj,
    user: ctx.user,
    dryRun: !!ctx.dryRun,
  };
  if (admission) await s.admission!.admit(admission);

  const generated = !meta.name && typeof meta.generateName === 'string' && meta.generateName !== '';
  for (let attempt = 1; ; attempt++) {
    if (generated) meta.name = generateName(meta.generateName);
    meta.uid = newUID();
    meta.creationTimestamp = rfc3339(s.clock());
    if (tracksGeneration(s.type)) meta.generation = 1;
    s.strategy.prepareForCreate(obj, ctx);
    validateForCreate(s, obj);
    s.strategy.canonicalize?.(obj);
    if (ctx.fieldManager) recordUpdate(undefined, obj, ctx.fieldManager, s.clock());
    if (admission) await s.admission!.validate({ ...admission, name: meta.name });

    const key = s.keys.key(namespace, meta.name);
    const hook = await s.hooks?.beforeCreate?.(obj, ctx);
    try {
      if (ctx.dryRun) {
        await hook?.undo();
        if ((await s.backend.get(key)).kv) throw new KeyExistsError(key);
        return obj;
      }
      const { kv } = await s.backend.create(key, s.codec.encode(key, obj));
      meta.resourceVersion = String(kv.modRevision);
      return obj;
    } catch (err) {
      if (!ctx.dryRun) await hook?.undo();
      if (!(err instanceof KeyExistsError)) throw fromStorageError(err, s.gr, meta.name);
      if (generated && attempt < maxGenerateNameAttempts) continue;
      throw await alreadyExistsError(s, key, meta.name);
    }
  }
}

/** Fields only the server sets; what a client sent for them is dropped (upstream's create path). */
function clearSystemFields(meta: Record<string, any>): void {
  delete meta.resourceVersion;
  delete meta.uid;
  delete meta.creationTimestamp;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.generation;
  delete meta.selfLink;
}

export async function checkNamespaceAcceptsContent(
  s: StoreContext,
  namespace: string,
  name: string,
): Promise<void> {
  const ns = await s.getNamespace(namespace);
  if (!ns) throw namespaceNotFound(namespace);
  if (ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating') {
    throw forbiddenNamespaceTerminating(s.gr, name, namespace);
  }
}

/** 409, saying so when the existing object is on its way out (upstream does the same). */
async function alreadyExistsError(s: StoreContext, key: string, name: string): Promise<StatusError> {
  const err = fromStorageError(new KeyExistsError(key), s.gr, name);
  const existing = await s.backend.get(key).catch(() => undefined);
  if (existing?.kv && s.codec.decode(existing.kv).metadata?.deletionTimestamp) {
    err.status.message = `object is being deleted: ${err.status.message}`;
    err.message = err.status.message;
  }
  return err;
}
