// <workloads>/scale: the autoscaling/v1 Scale view of a Deployment, ReplicaSet or StatefulSet
// (what `kubectl scale` and the HPA read and write). Writing it changes only spec.replicas, through
// the owner's normal update rules (validation, generation).
import { labelSelectorToString } from '../../../../api/labels/index.ts';
import { invalid as invalidField } from '../../../../api/validation/errors.ts';
import { badRequest, conflict, invalid } from '../../status.ts';
import type { StoreContext } from '../context.ts';
import { optimisticLockMessage } from '../errors.ts';
import { get } from '../get.ts';
import { guaranteedUpdate } from '../guaranteed-update.ts';
import { patchers } from '../patch/index.ts';
import { scopedNamespace } from '../request-object.ts';
import type { KubeObject, RequestContext, SubresourceHandler } from '../types.ts';
import { decideUpdate } from '../update.ts';

const scaleApiVersion = 'autoscaling/v1';

export function scaleHandler(s: StoreContext): SubresourceHandler {
  return {
    get: async (_ctx, namespace, name) => toScale(await get(s, namespace, name)),
    update: (ctx, namespace, name, scale) => writeScale(s, ctx, namespace, name, () => scale),
    patch: (ctx, namespace, name, type, patchDoc) => {
      const apply = patchers[type];
      if (!apply) throw badRequest(`the patch type "${type}" is not supported for scale`);
      return writeScale(s, ctx, namespace, name, (current) => apply(current, patchDoc) as KubeObject);
    },
  };
}

export function toScale(obj: KubeObject): KubeObject {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata ?? {};
  let selector = '';
  try {
    selector = labelSelectorToString(obj.spec?.selector);
  } catch {
    // An invalid selector can not select pods: report none.
  }
  return {
    apiVersion: scaleApiVersion,
    kind: 'Scale',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    // Like upstream's JSON, zero replicas are left out of spec (omitempty) but not of status.
    spec: obj.spec?.replicas ? { replicas: obj.spec.replicas } : {},
    status: { replicas: obj.status?.replicas ?? 0, selector },
  };
}

async function writeScale(
  s: StoreContext,
  ctx: RequestContext,
  namespace: string,
  name: string,
  wanted: (current: KubeObject) => KubeObject,
): Promise<KubeObject> {
  namespace = scopedNamespace(s, namespace);
  const updated = await guaranteedUpdate(
    s,
    s.keys.key(namespace, name),
    name,
    ({ obj }) => {
      const scale = wanted(toScale(obj));
      checkScale(scale, name);
      const version = scale.metadata?.resourceVersion;
      if (version && version !== obj.metadata!.resourceVersion)
        throw conflict(s.gr, name, optimisticLockMessage);
      // spec.replicas is omitempty in Go: `kubectl scale --replicas=0` sends `spec: {}`.
      const replicas = scale.spec?.replicas ?? 0;
      if (!Number.isInteger(replicas) || replicas < 0) {
        throw invalid('Scale', 'autoscaling', name, [
          invalidField('spec.replicas', replicas ?? null, 'must be greater than or equal to 0'),
        ]);
      }
      const next = {
        ...obj,
        spec: { ...obj.spec, replicas },
        metadata: { ...obj.metadata, resourceVersion: undefined },
      };
      return decideUpdate(s, next, obj, undefined);
    },
    { dryRun: ctx.dryRun },
  );
  return toScale(updated);
}

function checkScale(scale: KubeObject, name: string): void {
  if (typeof scale !== 'object' || scale === null)
    throw badRequest('the body of the request must be a Scale object');
  if (scale.apiVersion && scale.apiVersion !== scaleApiVersion) {
    throw badRequest(
      `the API version in the data (${scale.apiVersion}) does not match the expected API version (${scaleApiVersion})`,
    );
  }
  if (scale.kind && scale.kind !== 'Scale') {
    throw badRequest(`${scale.kind} in version "v1" cannot be handled as a Scale`);
  }
  if (scale.metadata?.name && scale.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${scale.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
}
