// pods/binding: the scheduler's POST of a Binding assigns a pending pod to a node, once. Like
// upstream's BindingREST: the pod must not be bound yet nor being deleted; the binding's
// annotations are copied onto the pod and the PodScheduled condition is set.
import type { FieldError } from '../../../../api/resource-type.ts';
import { invalid as invalidField, required } from '../../../../api/validation/errors.ts';
import { badRequest, conflict, invalid, success } from '../../status.ts';
import type { StoreContext } from '../context.ts';
import { guaranteedUpdate } from '../guaranteed-update.ts';
import { rfc3339 } from '../object-meta.ts';
import { scopedNamespace } from '../request-object.ts';
import type { KubeObject, RequestContext, SubresourceHandler } from '../types.ts';

export function bindingHandler(pods: StoreContext): SubresourceHandler {
  return {
    create: (ctx, namespace, name, binding) => bind(pods, ctx, namespace, name, binding),
  };
}

async function bind(
  s: StoreContext,
  ctx: RequestContext,
  namespace: string,
  name: string,
  binding: KubeObject,
): Promise<KubeObject> {
  namespace = scopedNamespace(s, namespace);
  const meta = binding.metadata ?? {};
  if (meta.name && meta.name !== name) {
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
  }
  if (meta.namespace && meta.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const errs: FieldError[] = [];
  const target = binding.target ?? {};
  if (!target.name) errs.push(required('target.name'));
  if (target.kind && target.kind !== 'Node')
    errs.push(invalidField('target.kind', target.kind, 'must be empty or Node'));
  if (errs.length > 0) throw invalid('Binding', '', name, errs);

  const refuse = (why: string) => conflict({ group: '', resource: 'pods/binding' }, name, why);
  await guaranteedUpdate(
    s,
    s.keys.key(namespace, name),
    name,
    ({ obj: pod }) => {
      const pm = pod.metadata!;
      if (meta.uid && meta.uid !== pm.uid) {
        throw refuse(`Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${pm.uid}`);
      }
      if (meta.resourceVersion && meta.resourceVersion !== pm.resourceVersion) {
        throw refuse(
          `Precondition failed: ResourceVersion in precondition: ${meta.resourceVersion}, ResourceVersion in object meta: ${pm.resourceVersion}`,
        );
      }
      if (pm.deletionTimestamp) throw refuse(`pod ${name} is being deleted, cannot be assigned to a host`);
      if (pod.spec?.nodeName) throw refuse(`pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
      const bound: KubeObject = {
        ...pod,
        metadata: { ...pm, annotations: { ...pm.annotations, ...meta.annotations } },
        spec: { ...pod.spec, nodeName: target.name },
        status: withScheduledCondition(pod.status ?? {}, rfc3339(s.clock())),
      };
      if (Object.keys(bound.metadata!.annotations).length === 0) delete bound.metadata!.annotations;
      // A server action, not a client update: pod update validation (spec is immutable) does not apply.
      return { action: 'store', obj: bound };
    },
    { dryRun: ctx.dryRun },
  );
  return { ...success(), code: 201 } as unknown as KubeObject;
}

function withScheduledCondition(status: Record<string, any>, now: string): Record<string, any> {
  const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter(
    (c: any) => c?.type !== 'PodScheduled',
  );
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now });
  return { ...status, conditions };
}
