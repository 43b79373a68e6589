// Authorization. A fixed policy standing in for RBAC until we serve it:
//  - system:masters may do anything (upstream's superuser group);
//  - everyone authenticated may read discovery, version, OpenAPI and health (system:discovery,
//    system:public-info-viewer) and ask who they are and what they may do (selfsubjectreviews,
//    selfsubjectaccessreviews: system:basic-user);
//  - system:nodes get what a node agent needs, like upstream's Node authorizer: reads of what
//    pods use, writes of their own Node, Lease and pods (createAuthorizer adds the object checks of
//    node-authorizer.ts: an index of the pods' names says yes, the store has the last word;
//    NodeRestriction admission checks the bodies);
//  - system:bootstrappers may ask for a node credential (create CSRs, read their own);
//  - anything else is denied with upstream's message.
import { mayReadCsr, NodeAuthorizer, type Registries } from './node-authorizer.ts';
import type { UserInfo } from './registry/types.ts';
import type { RequestInfo, ResourceRequest } from './router.ts';
import { forbidden, forbiddenPath } from './status.ts';

export type Authorizer = (user: UserInfo, info: RequestInfo) => boolean | Promise<boolean>;
/** An authorizer that keeps caches fed by store watches, which `close` stops. */
export type ClosableAuthorizer = Authorizer & { close(): void };

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

/** What a node may do, keyed by `group/resource[/subresource]`, before any object is looked at. */
function nodeMay(nodeName: string, r: ResourceRequest): boolean {
  const key = r.subresource ? `${r.group}/${r.resource}/${r.subresource}` : `${r.group}/${r.resource}`;
  const ownObject = r.name === nodeName;
  switch (key) {
    case '/nodes':
      // create: NodeRestriction admission checks it is its own.
      return readVerbs.has(r.verb) || r.verb === 'create' || (ownObject && r.verb !== 'deletecollection');
    case '/nodes/status':
      return ownObject && (r.verb === 'get' || r.verb === 'update' || r.verb === 'patch');
    case 'coordination.k8s.io/leases':
      return r.namespace === 'kube-node-lease' && (r.verb === 'create' || readVerbs.has(r.verb) || ownObject);
    case '/pods':
      // No create: a node makes only mirror pods upstream, and Flotilla has none.
      return readVerbs.has(r.verb) || r.verb === 'delete';
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
    case '/namespaces':
    case 'networking.k8s.io/ingresses': // the agent's ingress controller routes by these
    case 'networking.k8s.io/ingressclasses':
      return readVerbs.has(r.verb);
    case '/configmaps':
    case '/secrets':
    case '/persistentvolumeclaims':
    case '/persistentvolumes':
      // One object at a time, and only what its pods use (node-authorizer.ts).
      return r.verb === 'get';
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

export const defaultAuthorizer = (user: UserInfo, info: RequestInfo): boolean => {
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

/**
 * The API server's authorizer: the static rules above, then, for nodes and bootstrap tokens, the
 * checks that need the objects themselves (which pods a node runs, who made a CSR).
 */
export function createAuthorizer(
  registries?: Registries,
  /** watchCache: answer node reads from the pods' index (default true; off for baselines). */
  opts: { watchCache?: boolean } = {},
): ClosableAuthorizer {
  if (!registries)
    return Object.assign((u: UserInfo, i: RequestInfo) => defaultAuthorizer(u, i), { close() {} });
  const nodes = new NodeAuthorizer(registries, opts.watchCache ?? true);
  const authorize: Authorizer = async (user, info) => {
    if (!defaultAuthorizer(user, info)) return false;
    if (info.kind !== 'resource' || user.groups.includes(mastersGroup)) return true;
    const isCsr = info.group === 'certificates.k8s.io' && info.resource === 'certificatesigningrequests';
    const nodeName = nodeNameOf(user);
    if (nodeName !== undefined) {
      if (isCsr) return mayReadCsr(registries, user, info);
      return nodes.mayAccess(nodeName, info);
    }
    if (isCsr && user.groups.includes(bootstrappersGroup)) return mayReadCsr(registries, user, info);
    return true;
  };
  return Object.assign(authorize, { close: () => nodes.close() });
}

function nodeNameOf(user: UserInfo): string | undefined {
  return user.groups.includes(nodesGroup) && user.username.startsWith(nodeUserPrefix)
    ? user.username.slice(nodeUserPrefix.length)
    : undefined;
}

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
