// OpenAPI v2 (swagger 2.0) at /openapi/v2, as JSON; v2-protobuf.ts encodes the same document as
// the gnostic protobuf that kubectl asks for (only) when it validates a v1 List.
import type { ResourceType } from '../../../api/resource-type.ts';
import { allDefinitions, deleteOptionsName, patchName, v2Ref as ref } from './schemas.ts';
import { patchMediaTypes, pathItems, queryParamDocs, tagOf, type Operation } from './operations.ts';

function bodyParam(op: Operation, def: string) {
  if (!op.body) return [];
  const schema =
    op.body === 'patch' ? ref(patchName) : op.body === 'deleteOptions' ? ref(deleteOptionsName) : ref(def);
  return [{ name: 'body', in: 'body', required: op.body !== 'deleteOptions', schema: { $ref: schema } }];
}

export function buildOpenApiV2(types: ResourceType[], serverVersion: string): string {
  const paths: Record<string, unknown> = {};
  const definitions = allDefinitions(types);
  for (const rt of types) {
    for (const item of pathItems(rt)) {
      const obj: Record<string, unknown> = {};
      for (const op of item.operations) {
        obj[op.method] = {
          description: op.description,
          consumes: op.body === 'patch' ? patchMediaTypes : ['*/*'],
          produces: ['application/json', 'application/yaml'],
          schemes: ['https'],
          tags: [tagOf(rt)],
          operationId: op.operationId,
          parameters: [
            ...bodyParam(op, op.response),
            ...op.query.map((q) => ({
              uniqueItems: true,
              type: queryParamDocs[q].type,
              description: queryParamDocs[q].description,
              name: q,
              in: 'query',
            })),
          ],
          responses: {
            '200': { description: 'OK', schema: { $ref: ref(op.response) } },
            ...(op.created ? { '201': { description: 'Created', schema: { $ref: ref(op.response) } } } : {}),
            '401': { description: 'Unauthorized' },
          },
          'x-kubernetes-action': op.action,
          'x-kubernetes-group-version-kind': { group: rt.group, version: rt.version, kind: rt.kind },
        };
      }
      obj['parameters'] = [
        ...item.pathParams.map((p) => ({
          uniqueItems: true,
          type: 'string',
          name: p,
          in: 'path',
          required: true,
        })),
        {
          uniqueItems: true,
          type: 'string',
          description: queryParamDocs.pretty.description,
          name: 'pretty',
          in: 'query',
        },
      ];
      paths[item.path] = obj;
    }
  }
  return JSON.stringify({
    swagger: '2.0',
    info: { title: 'Kubernetes', version: serverVersion },
    paths,
    definitions,
    securityDefinitions: {
      BearerToken: {
        description: 'Bearer Token authentication',
        type: 'apiKey',
        name: 'authorization',
        in: 'header',
      },
    },
    security: [{ BearerToken: [] }],
  });
}
