// Authorization. A fixed policy standing in for RBAC until we serve it:
//  - system:masters may do anything (upstream's superuser group);
//  - everyone authenticated may read discovery, version, OpenAPI and health (system:discovery,
//    system:public-info-viewer) and ask who they are and what they may do (selfsubjectreviews,
//    selfsubjectaccessreviews: system:basic-user);
//  - system:nodes get what a node agent needs (a simplified Node authorizer; issue #6 refines it);
//  - anything else is denied with upstream's message.
import type { UserInfo } from './registry/types.ts';
import type { RequestInfo, ResourceRequest } from './router.ts';
import { forbidden, forbiddenPath } from './status.ts';

export type Authorizer = (user: UserInfo, info: RequestInfo) => boolean;

const mastersGroup = 'system:masters';
const nodesGroup = 'system:nodes';
const nodeUserPrefix = 'system:node:';
const bootstrappersGroup = 'system:bootstrappers';

/** Paths anyone may GET, even without credentials (upstream's system:public-info-viewer). */
export function isPublicPath(path: string): boolean {
  return (
    path === '/healthz' ||
    path === '/livez' ||
    path === '/readyz' ||
    path === '/version' ||
    path.startsWith('/healthz/') ||
    path.startsWith('/livez/') ||
    path.startsWith('/readyz/')
  );
}

/** Discovery and OpenAPI documents, readable by every authenticated user (system:discovery). */
function isDiscoveryPath(path: string): boolean {
  return (
    path === '/api' ||
    path === '/apis' ||
    path === '/openapi/v2' ||
    path.startsWith('/api/') ||
    path.startsWith('/apis/') ||
    path.startsWith('/openapi/')
  );
}

const readVerbs = new Set(['get', 'list', 'watch']);

/** What a node may do, keyed by `group/resource[/subresource]`. */
function nodeMay(nodeName: string, r: ResourceRequest): boolean {
  const key = r.subresource ? `${r.group}/${r.resource}/${r.subresource}` : `${r.group}/${r.resource}`;
  const ownObject = r.name === nodeName;
  switch (key) {
    case '/nodes':
      return readVerbs.has(r.verb) || r.verb === 'create' || (ownObject && r.verb !== 'deletecollection');
    case '/nodes/status':
      return ownObject && (r.verb === 'get' || r.verb === 'update' || r.verb === 'patch');
    case 'coordination.k8s.io/leases':
      return r.namespace === 'kube-node-lease' && (r.verb === 'create' || readVerbs.has(r.verb) || ownObject);
    case '/pods':
      return readVerbs.has(r.verb) || r.verb === 'create' || r.verb === 'delete';
    case '/pods/status':
      return r.verb === 'get' || r.verb === 'update' || r.verb === 'patch';
    case '/pods/eviction':
      return r.verb === 'create';
    case '/events':
    case 'events.k8s.io/events':
      return r.verb === 'create' || r.verb === 'update' || r.verb === 'patch';
    case '/services':
    case '/endpoints':
    case 'discovery.k8s.io/endpointslices':
    case '/configmaps':
    case '/secrets':
    case '/persistentvolumeclaims':
    case '/persistentvolumes':
    case '/namespaces':
      return readVerbs.has(r.verb);
    case '/serviceaccounts/token':
      return r.verb === 'create';
    case 'certificates.k8s.io/certificatesigningrequests':
      return r.verb === 'create' || readVerbs.has(r.verb);
    default:
      return false;
  }
}

/** A bootstrap token may only ask for a node credential (upstream's system:node-bootstrapper). */
function bootstrapperMay(r: ResourceRequest): boolean {
  return (
    r.group === 'certificates.k8s.io' &&
    r.resource === 'certificatesigningrequests' &&
    !r.subresource &&
    (r.verb === 'create' || readVerbs.has(r.verb))
  );
}

export const defaultAuthorizer: Authorizer = (user, info) => {
  if (user.groups.includes(mastersGroup)) return true;
  if (info.kind === 'nonresource') {
    if (info.verb !== 'get' && info.verb !== 'head') return false;
    return isPublicPath(info.path) || isDiscoveryPath(info.path);
  }
  if (info.group === 'authentication.k8s.io' && info.resource === 'selfsubjectreviews')
    return info.verb === 'create';
  if (info.group === 'authorization.k8s.io' && info.resource === 'selfsubjectaccessreviews')
    return info.verb === 'create';
  if (user.groups.includes(nodesGroup) && user.username.startsWith(nodeUserPrefix))
    return nodeMay(user.username.slice(nodeUserPrefix.length), info);
  if (user.groups.includes(bootstrappersGroup)) return bootstrapperMay(info);
  return false;
};

/** The 403 Status for a denied request, in upstream's words. */
export function forbiddenError(user: UserInfo, info: RequestInfo) {
  if (info.kind === 'nonresource') return forbiddenPath(user.username, info.verb, info.path);
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  return forbidden(
    user.username,
    info.verb,
    { group: info.group, resource },
    info.namespace || undefined,
    info.name || undefined,
  );
}
