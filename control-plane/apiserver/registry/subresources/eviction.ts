// pods/eviction: a policy/v1 Eviction asks for a pod's graceful deletion (what `kubectl drain`
// and node-pressure eviction send). Like upstream's EvictionREST without PodDisruptionBudgets
// (none are served yet, so every eviction is allowed): the Eviction's deleteOptions (grace
// period, preconditions, dryRun) go to the pod's normal delete, and the answer is a Success Status.
import { badRequest, success } from '../../status.ts';
import type { StoreContext } from '../context.ts';
import { deleteObject } from '../delete.ts';
import { get } from '../get.ts';
import type { DeleteOptions, KubeObject, RequestContext, SubresourceHandler } from '../types.ts';

const evictionVersions = new Set(['policy/v1', 'policy/v1beta1']);

export function evictionHandler(pods: StoreContext): SubresourceHandler {
  return {
    create: (ctx, namespace, name, eviction) => evict(pods, ctx, namespace, name, eviction),
  };
}

async function evict(
  s: StoreContext,
  ctx: RequestContext,
  namespace: string,
  name: string,
  eviction: KubeObject,
): Promise<KubeObject> {
  if (eviction.apiVersion && !evictionVersions.has(eviction.apiVersion))
    throw badRequest(`${eviction.apiVersion}, Kind=${eviction.kind ?? ''} is not an Eviction`);
  if (eviction.kind && eviction.kind !== 'Eviction')
    throw badRequest(`${eviction.kind} in version "v1" cannot be handled as a Eviction`);
  if (eviction.metadata?.name && eviction.metadata.name !== name) {
    throw badRequest(`name in URL does not match name in Eviction object`);
  }
  const body = (eviction.deleteOptions ?? {}) as Record<string, any>;
  if (Array.isArray(body.dryRun) && body.dryRun.includes('All')) ctx = { ...ctx, dryRun: true };
  // A missing pod is a 404 about the pod, before anything else, as upstream answers.
  await get(s, namespace, name);
  await deleteObject(s, ctx, namespace, name, evictionDeleteOptions(body));
  return { ...success(), code: 201 } as unknown as KubeObject;
}

function evictionDeleteOptions(body: Record<string, any>): DeleteOptions {
  const opts: DeleteOptions = {};
  if (body.gracePeriodSeconds !== undefined && body.gracePeriodSeconds !== null) {
    if (!Number.isSafeInteger(body.gracePeriodSeconds))
      throw badRequest('DeleteOptions.gracePeriodSeconds must be an integer');
    opts.gracePeriodSeconds = body.gracePeriodSeconds;
  }
  if (body.propagationPolicy) opts.propagationPolicy = body.propagationPolicy;
  if (body.preconditions && typeof body.preconditions === 'object') {
    const p: { uid?: string; resourceVersion?: string } = {};
    if (typeof body.preconditions.uid === 'string') p.uid = body.preconditions.uid;
    if (typeof body.preconditions.resourceVersion === 'string')
      p.resourceVersion = body.preconditions.resourceVersion;
    opts.preconditions = p;
  }
  return opts;
}
