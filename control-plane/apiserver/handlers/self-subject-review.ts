// authentication.k8s.io/v1 SelfSubjectReview (create only): "who am I", answered from the
// request's authenticated user without touching storage. `kubectl auth whoami` uses it.
import type { ResourceType } from '../../../api/resource-type.ts';
import { readBody } from '../decode.ts';
import { writeObject } from '../response.ts';
import type { ResourceRequest } from '../router.ts';
import { methodNotAllowed, pathNotFound } from '../status.ts';
import type { Call } from './call.ts';

export const selfSubjectReviewType: ResourceType = {
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectReview',
  plural: 'selfsubjectreviews',
  singular: 'selfsubjectreview',
  shortNames: [],
  namespaced: false,
  verbs: ['create'],
  categories: [],
  subresources: [],
};

export async function serveSelfSubjectReview(call: Call, info: ResourceRequest): Promise<void> {
  if (info.name || info.namespace) throw pathNotFound();
  if (info.verb !== 'create') throw methodNotAllowed();
  // The body says nothing we need (the answer is about the caller), so it is read under the
  // usual cap but not decoded: kubectl sends it as protobuf, which we do not decode.
  await readBody(call.req, call.maxBodyBytes);
  const { username, uid, groups } = call.user;
  writeObject(
    call.res,
    201,
    {
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
      status: { userInfo: { username, ...(uid ? { uid } : {}), groups } },
    },
    { auditId: call.auditId, pretty: call.pretty },
  );
}
