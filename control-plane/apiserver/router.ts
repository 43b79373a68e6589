// Turns a request's method and path into what is being asked for, like upstream's
// RequestInfoFactory (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go): either a resource
// request (verb, group, version, namespace, resource, name, subresource) or a non-resource path
// such as /version or /openapi/v3. Authorization and dispatch both work from this one parse.

export type ResourceVerb =
  'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  kind: 'resource';
  verb: ResourceVerb;
  /** '' for the core group (/api). */
  group: string;
  version: string;
  /** The namespace from the path; '' when the path has none. */
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  /** Anything after the subresource (proxy paths). */
  rest: string[];
  /** True when the legacy /watch/ path prefix was used. */
  legacyWatch: boolean;
}

export interface NonResourceRequest {
  kind: 'nonresource';
  /** Lower-case HTTP verb in authorizer terms: get, post, put, patch, delete. */
  verb: string;
  path: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

// /api/v1/namespaces/{ns}/status and /finalize address the namespace itself, not a resource in it.
const namespaceSubresources = new Set(['status', 'finalize']);

/**
 * Parse a request. `path` is the URL path without the query string; `watchParam` is the value of
 * the `watch` query parameter (it turns list into watch, as in upstream).
 */
export function parseRequestInfo(method: string, path: string, watchParam: string | null): RequestInfo {
  const nonResource = (): NonResourceRequest => ({
    kind: 'nonresource',
    verb: method.toLowerCase(),
    path,
  });
  // Split without allocating a RegExp; empty segments (double slashes, trailing slash) are dropped.
  const parts = path.split('/').filter((p) => p !== '');
  let i: number;
  let group: string;
  if (parts[0] === 'api') {
    if (parts.length < 3) return nonResource(); // /api, /api/v1 are discovery
    group = '';
    i = 1;
  } else if (parts[0] === 'apis') {
    if (parts.length < 4) return nonResource(); // /apis, /apis/g, /apis/g/v are discovery
    group = parts[1]!;
    i = 2;
  } else {
    return nonResource();
  }
  const version = parts[i++]!;
  let legacyWatch = false;
  if (parts[i] === 'watch') {
    legacyWatch = true;
    i++;
  }
  let rest = parts.slice(i);
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1]!;
    if (rest.length > 2 && !namespaceSubresources.has(rest[2]!)) rest = rest.slice(2);
  }
  if (rest.length === 0) return nonResource();
  const resource = rest[0]!;
  const name = rest[1] ?? '';
  const subresource = rest[2] ?? '';
  const verb = verbFor(method, name !== '', legacyWatch || isTrue(watchParam));
  if (!verb) return nonResource();
  return {
    kind: 'resource',
    verb,
    group,
    version,
    namespace,
    resource,
    name,
    subresource,
    rest: rest.slice(3),
    legacyWatch,
  };
}

function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}

function verbFor(method: string, hasName: boolean, watch: boolean): ResourceVerb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}
