// The OpenAPI v2 document as protobuf: the `openapi.v2.Document` message of gnostic
// (github.com/google/gnostic-models, openapiv2/OpenAPIv2.proto), which is what kubectl asks
// /openapi/v2 for (and only for) when it validates a `kind: List` on the client. We encode the
// same swagger object we serve as JSON. Field numbers are gnostic's; maps are repeated
// (name, value) pairs in the JSON's key order, and vendor extensions (`x-...`) are NamedAny
// whose Any carries the value as YAML, which is how kubectl reads x-kubernetes-group-version-kind.
import { stringify } from 'yaml';
import { ProtoWriter } from './proto-writer.ts';

type Json = Record<string, any>;

/** The gnostic field numbers we write, per message. */
const F = {
  document: { swagger: 1, info: 2, paths: 8, definitions: 9, security: 12, securityDefinitions: 13, ext: 16 },
  info: { title: 1, version: 2, description: 3 },
  paths: { path: 2 },
  pathItem: { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8, parameters: 9, ext: 10 },
  operation: {
    tags: 1,
    summary: 2,
    description: 3,
    operationId: 5,
    produces: 6,
    consumes: 7,
    parameters: 8,
    responses: 9,
    schemes: 10,
    deprecated: 11,
    ext: 13,
  },
  parametersItem: { parameter: 1, jsonReference: 2 },
  parameter: { body: 1, nonBody: 2 },
  bodyParameter: { description: 1, name: 2, in: 3, required: 4, schema: 5 },
  nonBodyParameter: { header: 1, formData: 2, query: 3, path: 4 },
  // Query and formData sub-schemas carry allow_empty_value at 5, shifting the rest by one.
  querySubSchema: { required: 1, in: 2, description: 3, name: 4, type: 6, format: 7, uniqueItems: 20 },
  pathSubSchema: { required: 1, in: 2, description: 3, name: 4, type: 5, format: 6, uniqueItems: 19 },
  responses: { responseCode: 1, ext: 2 },
  responseValue: { response: 1 },
  response: { description: 1, schema: 2 },
  schemaItem: { schema: 1 },
  schema: {
    ref: 1,
    format: 2,
    title: 3,
    description: 4,
    required: 19,
    additionalProperties: 21,
    type: 22,
    items: 23,
    allOf: 24,
    properties: 25,
    readOnly: 27,
    ext: 31,
  },
  additionalPropertiesItem: { schema: 1, boolean: 2 },
  securityDefinitionsItem: { apiKey: 2 },
  apiKeySecurity: { type: 1, name: 2, in: 3, description: 4 },
  // Named pairs (NamedSchema, NamedAny, NamedPathItem ...) and the `additional_properties` lists
  // of map messages (Definitions, Properties, SecurityDefinitions ...) share these numbers.
  named: { name: 1, value: 2 },
  map: { entries: 1 },
  any: { yaml: 2 },
} as const;

/** Encode a swagger 2.0 object (as built by buildOpenApiV2) as a gnostic `Document`. */
export function encodeOpenApiV2Protobuf(doc: Json): Buffer {
  const w = new ProtoWriter();
  const d = F.document;
  w.string(d.swagger, doc.swagger);
  if (doc.info) w.message(d.info, () => info(w, doc.info));
  if (doc.paths) w.message(d.paths, () => named(w, F.paths.path, doc.paths, (item) => pathItem(w, item)));
  if (doc.definitions)
    w.message(d.definitions, () => named(w, F.map.entries, doc.definitions, (s) => schema(w, s)));
  for (const requirement of doc.security ?? [])
    w.message(d.security, () =>
      named(w, F.map.entries, requirement, (scopes: string[]) => w.strings(F.map.entries, scopes)),
    );
  if (doc.securityDefinitions)
    w.message(d.securityDefinitions, () =>
      named(w, F.map.entries, doc.securityDefinitions, (s) => securityDefinition(w, s)),
    );
  extensions(w, d.ext, doc);
  return w.finish();
}

/** A JSON map as repeated Named* pairs, `value` encoding each value into the pair's field 2. */
function named(w: ProtoWriter, field: number, map: Json, value: (v: any) => void): void {
  for (const [name, v] of Object.entries(map))
    w.message(field, () => {
      w.string(F.named.name, name);
      w.message(F.named.value, () => value(v));
    });
}

/** `x-...` keys as NamedAny entries with their value as YAML. */
function extensions(w: ProtoWriter, field: number, obj: Json): void {
  for (const [name, v] of Object.entries(obj))
    if (name.startsWith('x-'))
      w.message(field, () => {
        w.string(F.named.name, name);
        w.message(F.named.value, () => w.string(F.any.yaml, stringify(v)));
      });
}

function info(w: ProtoWriter, i: Json): void {
  w.string(F.info.title, i.title);
  w.string(F.info.version, i.version);
  w.string(F.info.description, i.description);
}

function pathItem(w: ProtoWriter, item: Json): void {
  const f = F.pathItem;
  for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const)
    if (item[method]) w.message(f[method], () => operation(w, item[method]));
  for (const p of item.parameters ?? []) w.message(f.parameters, () => parametersItem(w, p));
  extensions(w, f.ext, item);
}

function operation(w: ProtoWriter, op: Json): void {
  const f = F.operation;
  w.strings(f.tags, op.tags);
  w.string(f.summary, op.summary);
  w.string(f.description, op.description);
  w.string(f.operationId, op.operationId);
  w.strings(f.produces, op.produces);
  w.strings(f.consumes, op.consumes);
  for (const p of op.parameters ?? []) w.message(f.parameters, () => parametersItem(w, p));
  if (op.responses)
    w.message(f.responses, () =>
      named(w, F.responses.responseCode, op.responses, (r) =>
        w.message(F.responseValue.response, () => response(w, r)),
      ),
    );
  w.strings(f.schemes, op.schemes);
  w.bool(f.deprecated, op.deprecated);
  extensions(w, f.ext, op);
}

function parametersItem(w: ProtoWriter, p: Json): void {
  w.message(F.parametersItem.parameter, () => {
    if (p.in === 'body') {
      const f = F.bodyParameter;
      w.message(F.parameter.body, () => {
        w.string(f.description, p.description);
        w.string(f.name, p.name);
        w.string(f.in, p.in);
        w.bool(f.required, p.required);
        if (p.schema) w.message(f.schema, () => schema(w, p.schema));
      });
      return;
    }
    const f = p.in === 'path' ? F.pathSubSchema : F.querySubSchema;
    const kind =
      p.in === 'path' ? 'path' : p.in === 'header' ? 'header' : p.in === 'formData' ? 'formData' : 'query';
    w.message(F.parameter.nonBody, () =>
      w.message(F.nonBodyParameter[kind], () => {
        w.bool(f.required, p.required);
        w.string(f.in, p.in);
        w.string(f.description, p.description);
        w.string(f.name, p.name);
        w.string(f.type, p.type);
        w.string(f.format, p.format);
        w.bool(f.uniqueItems, p.uniqueItems);
      }),
    );
  });
}

function response(w: ProtoWriter, r: Json): void {
  w.string(F.response.description, r.description);
  if (r.schema) w.message(F.response.schema, () => w.message(F.schemaItem.schema, () => schema(w, r.schema)));
}

function schema(w: ProtoWriter, s: Json): void {
  const f = F.schema;
  w.string(f.ref, s.$ref);
  w.string(f.format, s.format);
  w.string(f.title, s.title);
  w.string(f.description, s.description);
  w.strings(f.required, s.required);
  if (s.additionalProperties !== undefined)
    w.message(f.additionalProperties, () =>
      typeof s.additionalProperties === 'boolean'
        ? w.bool(F.additionalPropertiesItem.boolean, s.additionalProperties, true)
        : w.message(F.additionalPropertiesItem.schema, () => schema(w, s.additionalProperties)),
    );
  if (s.type !== undefined)
    w.message(f.type, () => w.strings(F.map.entries, Array.isArray(s.type) ? s.type : [s.type]));
  if (s.items)
    w.message(f.items, () => {
      for (const item of Array.isArray(s.items) ? s.items : [s.items])
        w.message(F.map.entries, () => schema(w, item));
    });
  for (const sub of s.allOf ?? []) w.message(f.allOf, () => schema(w, sub));
  if (s.properties) w.message(f.properties, () => named(w, F.map.entries, s.properties, (p) => schema(w, p)));
  w.bool(f.readOnly, s.readOnly);
  extensions(w, f.ext, s);
}

function securityDefinition(w: ProtoWriter, s: Json): void {
  if (s.type !== 'apiKey') return; // the only kind the server declares (BearerToken)
  const f = F.apiKeySecurity;
  w.message(F.securityDefinitionsItem.apiKey, () => {
    w.string(f.type, s.type);
    w.string(f.name, s.name);
    w.string(f.in, s.in);
    w.string(f.description, s.description);
  });
}
