// The REST operations a served type offers, described once and rendered by v2.ts and v3.ts.
// Names follow upstream (operationId `patchCoreV1NamespacedConfigMap`, tag `core_v1`,
// x-kubernetes-action) because clients key on them: kubectl looks for the PATCH operation whose
// x-kubernetes-group-version-kind matches, and for its `fieldValidation` parameter, to decide
// that the server validates fields itself.
import { apiVersionOf, type ResourceType } from '../../../api/resource-type.ts';
import { definitionName } from './schemas.ts';

export type QueryParam =
  | 'pretty'
  | 'dryRun'
  | 'fieldManager'
  | 'fieldValidation'
  | 'force'
  | 'labelSelector'
  | 'fieldSelector'
  | 'limit'
  | 'continue'
  | 'resourceVersion'
  | 'resourceVersionMatch'
  | 'watch'
  | 'allowWatchBookmarks'
  | 'sendInitialEvents'
  | 'timeoutSeconds'
  | 'gracePeriodSeconds'
  | 'propagationPolicy'
  | 'orphanDependents';

export const queryParamDocs: Record<
  QueryParam,
  { type: 'string' | 'boolean' | 'integer'; description: string }
> = {
  pretty: { type: 'string', description: "If 'true', then the output is pretty printed." },
  dryRun: {
    type: 'string',
    description:
      'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed',
  },
  fieldManager: {
    type: 'string',
    description: 'fieldManager is a name associated with the actor or entity that is making these changes.',
  },
  fieldValidation: {
    type: 'string',
    description:
      'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
  },
  force: {
    type: 'boolean',
    description:
      'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people.',
  },
  labelSelector: {
    type: 'string',
    description: 'A selector to restrict the list of returned objects by their labels.',
  },
  fieldSelector: {
    type: 'string',
    description: 'A selector to restrict the list of returned objects by their fields.',
  },
  limit: {
    type: 'integer',
    description: 'limit is a maximum number of responses to return for a list call.',
  },
  continue: {
    type: 'string',
    description: 'The continue option should be set when retrieving more results from the server.',
  },
  resourceVersion: {
    type: 'string',
    description: 'resourceVersion sets a constraint on what resource versions a request may be served from.',
  },
  resourceVersionMatch: {
    type: 'string',
    description: 'resourceVersionMatch determines how resourceVersion is applied to list calls.',
  },
  watch: {
    type: 'boolean',
    description:
      'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.',
  },
  allowWatchBookmarks: {
    type: 'boolean',
    description: 'allowWatchBookmarks requests watch events with type "BOOKMARK".',
  },
  sendInitialEvents: {
    type: 'boolean',
    description:
      'sendInitialEvents=true may be set together with watch=true to start the stream with synthetic ADDED events.',
  },
  timeoutSeconds: { type: 'integer', description: 'Timeout for the list/watch call.' },
  gracePeriodSeconds: {
    type: 'integer',
    description: 'The duration in seconds before the object should be deleted.',
  },
  propagationPolicy: {
    type: 'string',
    description:
      "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'.",
  },
  orphanDependents: { type: 'boolean', description: 'Deprecated: please use the PropagationPolicy.' },
};

const listParams: QueryParam[] = [
  'allowWatchBookmarks',
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
  'watch',
];
const writeParams: QueryParam[] = ['dryRun', 'fieldManager', 'fieldValidation'];
const deleteParams: QueryParam[] = ['dryRun', 'gracePeriodSeconds', 'orphanDependents', 'propagationPolicy'];

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  action: 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';
  operationId: string;
  description: string;
  query: QueryParam[];
  body?: 'object' | 'patch' | 'deleteOptions';
  /** Definition name of the answer. */
  response: string;
  /** 201 as well as 200 (create). */
  created?: boolean;
}

export interface PathItem {
  path: string;
  pathParams: ('namespace' | 'name')[];
  operations: Operation[];
}

export const patchMediaTypes = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

/** `CoreV1`, `AppsV1`, `CoordinationV1`: the group-version part of upstream operation ids. */
function gvWord(rt: ResourceType): string {
  const g = rt.group === '' ? 'core' : rt.group.split('.')[0]!;
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return `${cap(g)}${cap(rt.version)}`;
}

export function tagOf(rt: Pick<ResourceType, 'group' | 'version'>): string {
  return `${rt.group === '' ? 'core' : rt.group.split('.')[0]}_${rt.version}`;
}

/** Every path and operation of one served type. */
export function pathItems(rt: ResourceType): PathItem[] {
  const base = `/${rt.group ? 'apis' : 'api'}/${apiVersionOf(rt)}`;
  const def = definitionName(rt.group, rt.version, rt.kind);
  const gv = gvWord(rt);
  const scope = rt.namespaced ? 'Namespaced' : '';
  const collection = rt.namespaced ? `${base}/namespaces/{namespace}/${rt.plural}` : `${base}/${rt.plural}`;
  const collectionParams: PathItem['pathParams'] = rt.namespaced ? ['namespace'] : [];
  const verbs = new Set(rt.verbs);
  const items: PathItem[] = [];

  const collectionOps: Operation[] = [];
  if (verbs.has('list'))
    collectionOps.push({
      method: 'get',
      action: 'list',
      operationId: `list${gv}${scope}${rt.kind}`,
      description: `list or watch objects of kind ${rt.kind}`,
      query: listParams,
      response: `${def}List`,
    });
  if (verbs.has('create'))
    collectionOps.push({
      method: 'post',
      action: 'post',
      operationId: `create${gv}${scope}${rt.kind}`,
      description: `create ${article(rt.kind)} ${rt.kind}`,
      query: writeParams,
      body: 'object',
      response: def,
      created: true,
    });
  if (verbs.has('deletecollection'))
    collectionOps.push({
      method: 'delete',
      action: 'deletecollection',
      operationId: `delete${gv}Collection${scope}${rt.kind}`,
      description: `delete collection of ${rt.kind}`,
      query: [...deleteParams, ...listParams.filter((p) => p !== 'watch' && p !== 'allowWatchBookmarks')],
      body: 'deleteOptions',
      response: 'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
    });
  if (collectionOps.length)
    items.push({ path: collection, pathParams: collectionParams, operations: collectionOps });

  const itemOps: Operation[] = [];
  if (verbs.has('get'))
    itemOps.push({
      method: 'get',
      action: 'get',
      operationId: `read${gv}${scope}${rt.kind}`,
      description: `read the specified ${rt.kind}`,
      query: [],
      response: def,
    });
  if (verbs.has('update'))
    itemOps.push({
      method: 'put',
      action: 'put',
      operationId: `replace${gv}${scope}${rt.kind}`,
      description: `replace the specified ${rt.kind}`,
      query: writeParams,
      body: 'object',
      response: def,
      created: true,
    });
  if (verbs.has('patch'))
    itemOps.push({
      method: 'patch',
      action: 'patch',
      operationId: `patch${gv}${scope}${rt.kind}`,
      description: `partially update the specified ${rt.kind}`,
      query: [...writeParams, 'force'],
      body: 'patch',
      response: def,
      created: true,
    });
  if (verbs.has('delete'))
    itemOps.push({
      method: 'delete',
      action: 'delete',
      operationId: `delete${gv}${scope}${rt.kind}`,
      description: `delete ${article(rt.kind)} ${rt.kind}`,
      query: deleteParams,
      body: 'deleteOptions',
      response: 'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
    });
  if (itemOps.length)
    items.push({
      path: `${collection}/{name}`,
      pathParams: [...collectionParams, 'name'],
      operations: itemOps,
    });

  if (rt.namespaced && verbs.has('list'))
    items.push({
      path: `${base}/${rt.plural}`,
      pathParams: [],
      operations: [
        {
          method: 'get',
          action: 'list',
          operationId: `list${gv}${rt.kind}ForAllNamespaces`,
          description: `list or watch objects of kind ${rt.kind}`,
          query: listParams,
          response: `${def}List`,
        },
      ],
    });

  if (rt.subresources.includes('status'))
    items.push({
      path: `${collection}/{name}/status`,
      pathParams: [...collectionParams, 'name'],
      operations: [
        {
          method: 'get',
          action: 'get',
          operationId: `read${gv}${scope}${rt.kind}Status`,
          description: `read status of the specified ${rt.kind}`,
          query: [],
          response: def,
        },
        {
          method: 'put',
          action: 'put',
          operationId: `replace${gv}${scope}${rt.kind}Status`,
          description: `replace status of the specified ${rt.kind}`,
          query: writeParams,
          body: 'object',
          response: def,
          created: true,
        },
        {
          method: 'patch',
          action: 'patch',
          operationId: `patch${gv}${scope}${rt.kind}Status`,
          description: `partially update status of the specified ${rt.kind}`,
          query: [...writeParams, 'force'],
          body: 'patch',
          response: def,
          created: true,
        },
      ],
    });
  return items;
}

function article(word: string): string {
  return /^[AEIOU]/.test(word) ? 'an' : 'a';
}
