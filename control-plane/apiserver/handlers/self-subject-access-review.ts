// authorization.k8s.io/v1 SelfSubjectAccessReview (create only): "may I do this?", answered by
// the same authorizer that guards every request, for the caller. `kubectl auth can-i` sends it.
// Like upstream, the review is not stored and the answer is the request with status filled in.
import type { ResourceType } from '../../../api/resource-type.ts';
import { required } from '../../../api/validation/errors.ts';
import type { Authorizer } from '../authz.ts';
import { decodeObject, readBody } from '../decode.ts';
import { writeObject } from '../response.ts';
import type { RequestInfo, ResourceRequest } from '../router.ts';
import { invalid, methodNotAllowed, pathNotFound } from '../status.ts';
import type { Call } from './call.ts';

export const selfSubjectAccessReviewType: ResourceType = {
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectAccessReview',
  plural: 'selfsubjectaccessreviews',
  singular: 'selfsubjectaccessreview',
  shortNames: [],
  namespaced: false,
  verbs: ['create'],
  categories: [],
  subresources: [],
};

export async function serveSelfSubjectAccessReview(
  call: Call,
  info: ResourceRequest,
  authorizer: Authorizer,
): Promise<void> {
  if (info.name || info.namespace) throw pathNotFound();
  if (info.verb !== 'create') throw methodNotAllowed();
  const { object: review } = decodeObject(
    call.req.headers['content-type'],
    await readBody(call.req, call.maxBodyBytes),
  );
  const spec = (review.spec ?? {}) as Record<string, any>;
  const asked = requestInfoOf(spec);
  const allowed = await authorizer(call.user, asked);
  writeObject(
    call.res,
    201,
    {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec,
      // Our authorizer has no explicit deny (like RBAC), so a "no" carries no `denied` flag.
      status: { allowed },
    },
    { auditId: call.auditId, pretty: call.pretty },
  );
}

/** The request the review asks about, in the terms the authorizer takes. */
function requestInfoOf(spec: Record<string, any>): RequestInfo {
  const r = spec.resourceAttributes as Record<string, any> | undefined;
  const n = spec.nonResourceAttributes as Record<string, any> | undefined;
  if ((r && n) || (!r && !n)) {
    throw invalid('SelfSubjectAccessReview', 'authorization.k8s.io', '', [
      required(
        'spec.resourceAttributes',
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    ]);
  }
  if (n) return { kind: 'nonresource', verb: String(n.verb ?? ''), path: String(n.path ?? '') };
  return {
    kind: 'resource',
    verb: String(r!.verb ?? '') as ResourceRequest['verb'],
    group: String(r!.group ?? ''),
    version: String(r!.version ?? ''),
    namespace: String(r!.namespace ?? ''),
    resource: String(r!.resource ?? ''),
    name: String(r!.name ?? ''),
    subresource: String(r!.subresource ?? ''),
    rest: [],
    legacyWatch: false,
  };
}
