// OpenAPI v3: an index at /openapi/v3 naming one document per group-version, and the documents
// at /openapi/v3/{api/v1 | apis/<group>/<version>}. kubectl fetches these to decide whether the
// server validates fields (it then sends fieldValidation=Strict instead of validating itself)
// and for `kubectl explain`. Documents are built once; the index carries each one's hash.
import { createHash } from 'node:crypto';
import { apiVersionOf, type ResourceType } from '../../../api/resource-type.ts';
import type { OpenApiSchema } from '../../../api/openapi/schema.ts';
import {
  allDefinitions,
  definitionName,
  deleteOptionsName,
  listMetaName,
  objectMetaName,
  patchName,
  reachable,
  statusName,
} from './schemas.ts';
import {
  patchMediaTypes,
  pathItems,
  queryParamDocs,
  tagOf,
  type Operation,
  type PathItem,
} from './operations.ts';

const ref = (name: string) => `#/components/schemas/${name}`;

export interface OpenApiV3 {
  /** The /openapi/v3 index. */
  index: string;
  /** Documents by path below /openapi/v3/ (`api/v1`, `apis/apps/v1`). */
  documents: Map<string, { body: string; hash: string }>;
}

const pathParamDocs = {
  name: 'name of the resource',
  namespace: 'object name and auth scope, such as for teams and projects',
};

function parameter(name: string, where: 'query' | 'path', type: string, description: string) {
  return {
    name,
    in: where,
    description,
    ...(where === 'path' ? { required: true } : {}),
    schema: { type, uniqueItems: true },
  };
}

function requestBody(op: Operation) {
  if (op.body === 'patch')
    return {
      content: Object.fromEntries(patchMediaTypes.map((m) => [m, { schema: { $ref: ref(patchName) } }])),
      required: true,
    };
  if (op.body === 'deleteOptions')
    return { content: { '*/*': { schema: { $ref: ref(deleteOptionsName) } } } };
  return undefined;
}

function operation(rt: ResourceType, op: Operation, def: (op: Operation) => string) {
  const content = {
    'application/json': { schema: { $ref: ref(def(op)) } },
    'application/yaml': { schema: { $ref: ref(def(op)) } },
  };
  const body =
    op.body === 'object'
      ? { content: { '*/*': { schema: { $ref: ref(def(op)) } } }, required: true }
      : requestBody(op);
  return {
    tags: [tagOf(rt)],
    description: op.description,
    operationId: op.operationId,
    parameters: op.query.map((q) =>
      parameter(q, 'query', queryParamDocs[q].type, queryParamDocs[q].description),
    ),
    ...(body ? { requestBody: body } : {}),
    responses: {
      '200': { description: 'OK', content },
      ...(op.created ? { '201': { description: 'Created', content } } : {}),
      '401': { description: 'Unauthorized' },
    },
    'x-kubernetes-action': op.action,
    // Upstream tags every operation of a resource with the resource's own kind.
    'x-kubernetes-group-version-kind': { group: rt.group, version: rt.version, kind: rt.kind },
  };
}

function pathObject(rt: ResourceType, item: PathItem) {
  const obj: Record<string, unknown> = {};
  for (const op of item.operations) obj[op.method] = operation(rt, op, (o) => o.response);
  obj['parameters'] = [
    ...item.pathParams.map((p) => parameter(p, 'path', 'string', pathParamDocs[p])),
    parameter('pretty', 'query', 'string', queryParamDocs.pretty.description),
  ];
  return obj;
}

export function buildOpenApiV3(types: ResourceType[], serverVersion: string): OpenApiV3 {
  const definitions = allDefinitions(types);
  const byGv = new Map<string, ResourceType[]>();
  for (const rt of types) {
    const key = `${rt.group ? 'apis' : 'api'}/${apiVersionOf(rt)}`;
    if (!byGv.has(key)) byGv.set(key, []);
    byGv.get(key)!.push(rt);
  }
  const documents = new Map<string, { body: string; hash: string }>();
  const indexPaths: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, gvTypes] of byGv) {
    const paths: Record<string, unknown> = {};
    const roots = [objectMetaName, listMetaName, statusName, patchName, deleteOptionsName];
    for (const rt of gvTypes) {
      for (const item of pathItems(rt)) paths[item.path] = pathObject(rt, item);
      const name = definitionName(rt.group, rt.version, rt.kind);
      roots.push(name, `${name}List`);
    }
    const schemas = Object.fromEntries(
      Object.entries(reachable(definitions, roots)).map(([name, schema]) => [
        name,
        oneOfTypes[name] ? v3OneOf(schema, oneOfTypes[name]) : toV3(schema),
      ]),
    );
    const body = JSON.stringify({
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: serverVersion },
      paths,
      components: {
        schemas,
        securitySchemes: {
          BearerToken: {
            type: 'apiKey',
            description: 'Bearer Token authentication',
            name: 'authorization',
            in: 'header',
          },
        },
      },
    });
    const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
    documents.set(key, { body, hash });
    indexPaths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { index: JSON.stringify({ paths: indexPaths }), documents };
}

/**
 * Types v2 can only call strings, which v3 describes as what they really accept (upstream's
 * OpenAPIV3OneOfTypes). With no `type` of their own, kubectl explain names them by definition:
 * `maxSurge <IntOrString>`, `limits <map[string]Quantity>`.
 */
const oneOfTypes: Record<string, string[]> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': ['integer', 'string'],
  'io.k8s.apimachinery.pkg.api.resource.Quantity': ['string', 'number'],
};

function v3OneOf(schema: OpenApiSchema, types: string[]): Record<string, unknown> {
  const { type: _type, format: _format, ...rest } = schema;
  return { ...rest, oneOf: types.map((type) => ({ type })) };
}

/**
 * A v2 definition as upstream's v3 documents write it: references point into components, and a
 * reference with a description next to it (which OpenAPI 3.0 would ignore) is wrapped in allOf.
 */
export function toV3(schema: OpenApiSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties')
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, OpenApiSchema>).map(([k, v]) => [k, toV3(v)]),
      );
    else if (key === 'items' || key === 'additionalProperties') out[key] = toV3(value as OpenApiSchema);
    else if (key !== '$ref') out[key] = value;
  }
  if (!schema.$ref) return out;
  const target = ref(schema.$ref.slice('#/definitions/'.length));
  if (Object.keys(out).length === 0) return { $ref: target };
  return {
    ...out,
    allOf: [{ $ref: target }],
    ...(schema.$ref.endsWith('.ObjectMeta') ? { default: {} } : {}),
  };
}
