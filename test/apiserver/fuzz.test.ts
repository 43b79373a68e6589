// Hostile and random input against a running server: random and mutated bodies (JSON, YAML with
// alias bombs, deep nesting, oversized), wrong content types, random paths and query strings.
// Whatever arrives, the server keeps answering /readyz, never answers 5xx, and every error is a
// Status object whose code matches the HTTP status.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startServer, type RawResponse, type TestServer } from '../helpers/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

const validConfigMap = JSON.stringify({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'fuzz', labels: { app: 'fuzz' } },
  data: { key: 'value' },
});

const billionLaughs = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
  'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
].join('\n');

const paths = [
  '/api/v1/namespaces/default/configmaps',
  '/api/v1/namespaces/default/configmaps/fuzz',
  '/api/v1/namespaces/default/configmaps/fuzz/status',
  '/api/v1/namespaces',
  '/api/v1/namespaces/default',
  '/api/v1/namespaces/default/finalize',
  '/api/v1/namespaces/default/pods',
  '/api/v1/namespaces/default/pods/p/binding',
  '/api/v1/namespaces/default/pods/p/log',
  '/apis/apps/v1/namespaces/default/deployments',
  '/apis/apps/v1/namespaces/default/deployments/d/scale',
  '/apis/authentication.k8s.io/v1/selfsubjectreviews',
  '/api/v1/nodes',
  '/api/v1/watch/namespaces/default/configmaps',
  '/api',
  '/apis',
  '/apis/apps/v1',
  '/openapi/v3',
  '/openapi/v2',
  '/version',
];

const contentTypes = [
  'application/json',
  'application/yaml',
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
  'application/vnd.kubernetes.protobuf',
  'text/plain',
  'application/json; charset=utf-8',
  'multipart/form-data; boundary=x',
  '',
];

const queryKeys = [
  'watch',
  'limit',
  'continue',
  'labelSelector',
  'fieldSelector',
  'resourceVersion',
  'resourceVersionMatch',
  'dryRun',
  'fieldManager',
  'fieldValidation',
  'propagationPolicy',
  'gracePeriodSeconds',
  'timeoutSeconds',
  'force',
  'includeObject',
  'pretty',
];

/** A string with random edits: how a body gets truncated, doubled or corrupted. */
const mutated = (s: string) =>
  fc
    .array(fc.tuple(fc.nat({ max: s.length }), fc.nat({ max: 8 }), fc.string({ maxLength: 4 })), {
      maxLength: 4,
    })
    .map((edits) => {
      let out = s;
      for (const [at, del, ins] of edits) out = out.slice(0, at) + ins + out.slice(at + del);
      return out;
    });

const nested = fc
  .tuple(fc.integer({ min: 50, max: 50_000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => {
    const close = open === '[' ? ']' : '}';
    return `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":${open.repeat(depth)}1${close.repeat(depth)}}`;
  });

const bodies = fc.oneof(
  fc.json({ maxDepth: 6 }),
  mutated(validConfigMap),
  fc.constant(validConfigMap),
  fc.constant(billionLaughs),
  nested,
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.constant('{"metadata":"not an object","kind":7}'),
  fc.constant('[{"op":"replace","path":"/data/key","value":1},{"op":"move","from":"/x","path":"/y"}]'),
  fc.constant('metadata:\n  name: [a, b\n'),
);

const requests = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
  path: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...paths) },
    {
      weight: 1,
      arbitrary: fc
        .array(
          fc.oneof(
            fc.constantFrom('api', 'apis', 'v1', 'namespaces', 'default', 'watch', '..', '%00', ''),
            fc.string({ maxLength: 8 }),
          ),
          {
            maxLength: 7,
          },
        )
        .map((segments) => `/${segments.map(encodeURIComponent).join('/')}`),
    },
  ),
  query: fc.array(
    fc.tuple(
      fc.constantFrom(...queryKeys),
      fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom('All', 'true', '0', '-1', '999999999999999999999'),
      ),
    ),
    {
      maxLength: 3,
    },
  ),
  contentType: fc.constantFrom(...contentTypes),
  accept: fc.constantFrom(
    undefined,
    'application/json',
    'application/json;as=Table;v=v1;g=meta.k8s.io',
    'application/vnd.kubernetes.protobuf',
    'application/yaml',
    'text/html',
    ';;;,,',
  ),
  body: bodies,
});

function checkAnswer(r: RawResponse, what: string): void {
  expect(r.status, `${what} -> ${r.status} ${r.body.slice(0, 300)}`).toBeLessThan(500);
  if (r.status >= 400) {
    expect(r.json, `${what} -> not a Status: ${r.body.slice(0, 300)}`).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code: r.status,
    });
    expect(typeof r.json.reason).toBe('string');
  }
}

describe('the server under random and hostile input', () => {
  it('keeps answering, with a Status for every error', async () => {
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(requests, async (req) => {
        const query = new URLSearchParams(req.query).toString();
        // A watch would stay open: bound it.
        const path = `${req.path}${query ? `?${query}&` : '?'}timeoutSeconds=1`;
        const what = `${req.method} ${path} (${req.contentType})`;
        const headers: Record<string, string> = {};
        if (req.contentType) headers['Content-Type'] = req.contentType;
        if (req.accept !== undefined) headers['Accept'] = req.accept;
        const r = await rawRequest(server, {
          method: req.method,
          path,
          headers,
          ...(req.method === 'GET' || req.method === 'OPTIONS' ? {} : { body: req.body }),
        });
        checkAnswer(r, what);
        if (++sent % 25 === 0)
          expect((await rawRequest(server, { path: '/readyz', as: 'none' })).status).toBe(200);
      }),
      { numRuns: 300 },
    );
    expect((await rawRequest(server, { path: '/readyz', as: 'none' })).status).toBe(200);
    // Generous: some of the 300 are watches that each stay open their full second, and CI's
    // machine is a loaded 2-core box.
  }, 240_000);

  it('refuses oversized bodies without falling over', async () => {
    const huge = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"huge"},"data":{"a":"${'x'.repeat(5 * 1024 * 1024)}"}}`;
    for (const contentType of ['application/json', 'application/yaml', 'application/merge-patch+json']) {
      const r = await rawRequest(server, {
        method: contentType.includes('patch') ? 'PATCH' : 'POST',
        path: '/api/v1/namespaces/default/configmaps' + (contentType.includes('patch') ? '/huge' : ''),
        headers: { 'Content-Type': contentType },
        body: huge,
      });
      checkAnswer(r, `huge ${contentType}`);
      expect(r.status).toBe(413);
    }
    expect((await rawRequest(server, { path: '/readyz', as: 'none' })).status).toBe(200);
  });

  it('refuses alias bombs and deep nesting with 400', async () => {
    const bomb = await rawRequest(server, {
      method: 'POST',
      path: '/api/v1/namespaces/default/configmaps',
      headers: { 'Content-Type': 'application/yaml' },
      body: billionLaughs,
    });
    checkAnswer(bomb, 'billion laughs');
    expect(bomb.status).toBe(400);
    const deep = await rawRequest(server, {
      method: 'POST',
      path: '/api/v1/namespaces/default/configmaps',
      headers: { 'Content-Type': 'application/json' },
      body: `{"data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    });
    checkAnswer(deep, 'deep nesting');
    expect(deep.status).toBe(400);
  });
});
