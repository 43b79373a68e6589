// CertificateSigningRequests (upstream pkg/registry/certificates/certificates/strategy.go): the
// requester's identity is recorded in spec on create (whatever the client sent), spec never
// changes afterwards, the decision conditions (Approved, Denied) are written only through
// /approval, and the signer's certificate and Failed condition only through /status.
import type { ResourceType } from '../../../../api/resource-type.ts';
import type { KubeObject, RequestContext } from '../types.ts';
import { defaultStrategy } from './default.ts';
import type { Strategy, SubresourceUpdateStrategy } from './strategy.ts';

const approvalConditions = new Set(['Approved', 'Denied']);

type Condition = Record<string, any> & { type?: string; status?: string };

const conditionsOf = (obj: KubeObject | undefined): Condition[] =>
  Array.isArray(obj?.status?.conditions) ? obj.status.conditions : [];

/** Upstream populateConditionTimestamps: lastUpdateTime defaults to now, transitions are stamped. */
function stampConditions(conditions: Condition[], old: Condition[], now: string): Condition[] {
  return conditions.map((c) => {
    const out = { ...c };
    if (!out.lastUpdateTime) out.lastUpdateTime = now;
    if (!out.lastTransitionTime) {
      const before = old.find((o) => o.type === c.type);
      out.lastTransitionTime =
        before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : now;
    }
    return out;
  });
}

const nowRfc3339 = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** PUT /status: the signer's certificate and conditions; the approval decision is kept as stored. */
const statusUpdate: SubresourceUpdateStrategy = {
  prepareForUpdate: (obj, old) => {
    const oldConditions = conditionsOf(old);
    const conditions = [
      ...oldConditions.filter((c) => approvalConditions.has(c.type ?? '')),
      ...conditionsOf(obj).filter((c) => !approvalConditions.has(c.type ?? '')),
    ];
    const status: Record<string, any> = { ...obj.status };
    if (conditions.length > 0) status.conditions = stampConditions(conditions, oldConditions, nowRfc3339());
    else delete status.conditions;
    return { ...old, metadata: { ...old.metadata }, status };
  },
};

/** PUT /approval (`kubectl certificate approve|deny`): only the conditions change. */
const approvalUpdate: SubresourceUpdateStrategy = {
  prepareForUpdate: (obj, old) => {
    const status: Record<string, any> = { ...old.status };
    const conditions = conditionsOf(obj);
    if (conditions.length > 0)
      status.conditions = stampConditions(conditions, conditionsOf(old), nowRfc3339());
    else delete status.conditions;
    return { ...old, metadata: { ...old.metadata }, status };
  },
};

export function certificateSigningRequestStrategy(rt: ResourceType): Strategy {
  return defaultStrategy(rt, {
    prepareForCreate: (obj: KubeObject, ctx?: RequestContext) => {
      obj.status = {};
      const spec = (obj.spec ??= {});
      delete spec.username;
      delete spec.uid;
      delete spec.groups;
      delete spec.extra;
      const user = ctx?.user;
      if (!user) return;
      spec.username = user.username;
      if (user.uid) spec.uid = user.uid;
      if (user.groups.length > 0) spec.groups = [...user.groups];
    },
    prepareForUpdate: (obj, old) => {
      obj.spec = old.spec;
      if (old.status === undefined) delete obj.status;
      else obj.status = old.status;
    },
    subresourceUpdates: { status: statusUpdate, approval: approvalUpdate },
  });
}
