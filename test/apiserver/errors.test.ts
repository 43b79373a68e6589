// What clients see when something is wrong: every error is a Status object with upstream's code,
// reason and wording, and no credentials, someone else's credentials, a bad body or an odd URL
// never gets further than it should.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../control-plane/auth/index.ts';
import { join } from 'node:path';
import { rawRequest, startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

const json = (body: unknown) => ({
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

const cm = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data: { a: '1' },
  ...extra,
});

function expectStatus(
  r: { status: number; json: any; headers: Record<string, unknown> },
  code: number,
  reason: string,
) {
  expect(r.status).toBe(code);
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.json).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason });
}

describe('authentication and authorization', () => {
  it('answers 401 to requests without credentials, but health to anyone', async () => {
    const r = await rawRequest(server, { path: '/api/v1/namespaces/default/configmaps', as: 'none' });
    expectStatus(r, 401, 'Unauthorized');
    expect(r.json.message).toBe('Unauthorized');
    expectStatus(await rawRequest(server, { path: '/api', as: 'none' }), 401, 'Unauthorized');
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const health = await rawRequest(server, { path, as: 'none' });
      expect(health.status).toBe(200);
      expect(health.body).toBe('ok');
    }
    expect((await rawRequest(server, { path: '/version', as: 'none' })).json.gitVersion).toBe(
      'v1.32.0-flotilla',
    );
  });

  it('answers 401 to an unknown bearer token', async () => {
    const r = await rawRequest(server, { path: '/api/v1/namespaces', as: { token: 'not-a-token' } });
    expectStatus(r, 401, 'Unauthorized');
  });

  it('answers 403 in upstream words to a user who may not, and lets them read discovery and ask who they are', async () => {
    const tokens = TokenStore.open(join(server.dataDir, 'tokens.json'));
    const { token } = tokens.issue({ username: 'bob', groups: ['developers'] });
    const r = await rawRequest(server, { path: '/api/v1/namespaces/default/configmaps', as: { token } });
    expectStatus(r, 403, 'Forbidden');
    expect(r.json.message).toBe(
      'configmaps is forbidden: User "bob" cannot list resource "configmaps" in API group "" in the namespace "default"',
    );
    const one = await rawRequest(server, {
      path: '/apis/apps/v1/namespaces/x/deployments/web',
      as: { token },
    });
    expect(one.json.message).toBe(
      'deployments.apps "web" is forbidden: User "bob" cannot get resource "deployments" in API group "apps" in the namespace "x"',
    );
    const nodes = await rawRequest(server, { path: '/api/v1/nodes', as: { token } });
    expect(nodes.json.message).toBe(
      'nodes is forbidden: User "bob" cannot list resource "nodes" in API group "" at the cluster scope',
    );
    const path = await rawRequest(server, { path: '/metrics', as: { token } });
    expectStatus(path, 403, 'Forbidden');
    expect(path.json.message).toBe('forbidden: User "bob" cannot get path "/metrics"');

    expect((await rawRequest(server, { path: '/apis', as: { token } })).status).toBe(200);
    const review = await rawRequest(server, {
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      as: { token },
      ...json({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
    });
    expect(review.status).toBe(201);
    expect(review.json.status.userInfo).toEqual({
      username: 'bob',
      groups: ['developers', 'system:authenticated'],
    });
  });
});

describe('error statuses', () => {
  it('404 for a missing object and for an unknown path', async () => {
    const missing = await rawRequest(server, { path: '/api/v1/namespaces/default/configmaps/nope' });
    expectStatus(missing, 404, 'NotFound');
    expect(missing.json.message).toBe('configmaps "nope" not found');
    expect(missing.json.details).toMatchObject({ name: 'nope', kind: 'configmaps' });
    for (const path of ['/api/v1/widgets', '/apis/example.com/v1/things', '/nothing/here', '/api/v2/pods']) {
      const r = await rawRequest(server, { path });
      expectStatus(r, 404, 'NotFound');
      expect(r.json.message).toBe('the server could not find the requested resource');
    }
  });

  it('409 when the name is taken', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    expect((await rawRequest(server, { method: 'POST', path, ...json(cm('dup')) })).status).toBe(201);
    const r = await rawRequest(server, { method: 'POST', path, ...json(cm('dup')) });
    expectStatus(r, 409, 'AlreadyExists');
    expect(r.json.message).toBe('configmaps "dup" already exists');
  });

  it('422 with field causes for an invalid object', async () => {
    const r = await rawRequest(server, {
      method: 'POST',
      path: '/api/v1/namespaces/default/configmaps',
      ...json(cm('Not_A_Valid_Name')),
    });
    expectStatus(r, 422, 'Invalid');
    expect(r.json.message).toMatch(
      /^ConfigMap "Not_A_Valid_Name" is invalid: metadata.name: Invalid value: "Not_A_Valid_Name"/,
    );
    expect(r.json.details.causes[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'metadata.name' });
  });

  it('413 for a body over 3 MiB', async () => {
    const big = JSON.stringify(cm('big', { data: { a: 'x'.repeat(4 * 1024 * 1024) } }));
    const r = await rawRequest(server, {
      method: 'POST',
      path: '/api/v1/namespaces/default/configmaps',
      headers: { 'Content-Type': 'application/json' },
      body: big,
    });
    expectStatus(r, 413, 'RequestEntityTooLarge');
    expect((await rawRequest(server, { path: '/readyz' })).status).toBe(200);
  });

  it('415 for a body in a format the server does not read', async () => {
    const r = await rawRequest(server, {
      method: 'POST',
      path: '/api/v1/namespaces/default/configmaps',
      headers: { 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    expectStatus(r, 415, 'UnsupportedMediaType');
    expect(r.json.message).toContain('(got "text/plain")');
    const patch = await rawRequest(server, {
      method: 'PATCH',
      path: '/api/v1/namespaces/default/configmaps/dup',
      ...json({ data: { b: '2' } }),
    });
    expectStatus(patch, 415, 'UnsupportedMediaType');
  });

  it('400 naming the problem for a malformed body or a bad parameter', async () => {
    const r = await rawRequest(server, {
      method: 'POST',
      path: '/api/v1/namespaces/default/configmaps',
      headers: { 'Content-Type': 'application/json' },
      body: '{"apiVersion": "v1", "kind": ',
    });
    expectStatus(r, 400, 'BadRequest');
    expect(r.json.message).toMatch(/JSON/);
    const yaml = await rawRequest(server, {
      method: 'POST',
      path: '/api/v1/namespaces/default/configmaps',
      headers: { 'Content-Type': 'application/yaml' },
      body: 'metadata: [unclosed',
    });
    expectStatus(yaml, 400, 'BadRequest');
    expect(yaml.json.message).toMatch(/YAML/);
    const dryRun = await rawRequest(server, {
      method: 'POST',
      path: '/api/v1/namespaces/default/configmaps?dryRun=Sometimes',
      ...json(cm('dry')),
    });
    expectStatus(dryRun, 400, 'BadRequest');
    expect(dryRun.json.message).toContain('dryRun');
    expectStatus(await rawRequest(server, { path: '/api/v1/configmaps?limit=lots' }), 400, 'BadRequest');
  });

  it('405 for a method the resource does not serve', async () => {
    const r = await rawRequest(server, { method: 'DELETE', path: '/api/v1/namespaces' });
    expectStatus(r, 405, 'MethodNotAllowed');
  });

  it('406 when nothing acceptable can be produced', async () => {
    const r = await rawRequest(server, { path: '/api/v1/namespaces', headers: { Accept: 'text/html' } });
    expectStatus(r, 406, 'NotAcceptable');
  });
});

describe('responses', () => {
  it('carries Audit-Id, Cache-Control and warnings headers', async () => {
    const r = await rawRequest(server, { path: '/api/v1/namespaces/default' });
    expect(r.status).toBe(200);
    expect(r.headers['audit-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers['cache-control']).toBe('no-cache, private');
  });

  it('warns about repeated fields, or refuses them with fieldValidation=Strict', async () => {
    const body =
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"twice-a"},"data":{"a":"1","a":"2"}}';
    const headers = { 'Content-Type': 'application/json' };
    const strict = await rawRequest(server, {
      method: 'POST',
      path: '/api/v1/namespaces/default/configmaps?fieldValidation=Strict',
      headers,
      body,
    });
    expectStatus(strict, 400, 'BadRequest');
    expect(strict.json.message).toContain('strict decoding error: duplicate field "data.a"');
    const warned = await rawRequest(server, {
      method: 'POST',
      path: '/api/v1/namespaces/default/configmaps',
      headers,
      body,
    });
    expect(warned.status).toBe(201);
    expect(warned.headers['warning']).toBe('299 - "duplicate field \\"data.a\\""');
    expect(warned.json.data).toEqual({ a: '2' });
  });

  it('answers dry runs without persisting', async () => {
    const r = await rawRequest(server, {
      method: 'POST',
      path: '/api/v1/namespaces/default/configmaps?dryRun=All',
      ...json(cm('dry-only')),
    });
    expect(r.status).toBe(201);
    expectStatus(
      await rawRequest(server, { path: '/api/v1/namespaces/default/configmaps/dry-only' }),
      404,
      'NotFound',
    );
  });

  it('answers protobuf requests with JSON and kubectl tables with a Table', async () => {
    const proto = await rawRequest(server, {
      path: '/api/v1/namespaces',
      headers: { Accept: 'application/vnd.kubernetes.protobuf, application/json' },
    });
    expect(proto.headers['content-type']).toBe('application/json');
    expect(proto.json.kind).toBe('NamespaceList');
    const table = await rawRequest(server, {
      path: '/api/v1/namespaces?includeObject=None',
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    expect(table.json).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(table.json.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Status', 'Age']);
    expect(table.json.rows.map((r: any) => r.cells[0])).toContain('kube-system');
    expect(table.json.rows[0].object).toBeUndefined();
  });

  it('serves OpenAPI v2 as JSON or gnostic protobuf and says 406 to another protobuf', async () => {
    const v2 = await rawRequest(server, { path: '/openapi/v2', headers: { Accept: 'application/json' } });
    expect(v2.json.swagger).toBe('2.0');
    const gnostic = await rawRequest(server, {
      path: '/openapi/v2',
      headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
    });
    expect(gnostic.headers['content-type']).toBe(
      'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
    );
    const proto = await rawRequest(server, {
      path: '/openapi/v2',
      headers: { Accept: 'application/vnd.kubernetes.protobuf' },
    });
    expectStatus(proto, 406, 'NotAcceptable');
    const index = await rawRequest(server, { path: '/openapi/v3' });
    const url = index.json.paths['apis/apps/v1'].serverRelativeURL;
    const doc = await rawRequest(server, { path: url });
    expect(doc.json.openapi).toBe('3.0.0');
    expect(doc.headers['cache-control']).toBe('public, immutable');
  });

  it('serves aggregated discovery with its content type and revalidates by ETag', async () => {
    const accept =
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    const r = await rawRequest(server, { path: '/apis', headers: { Accept: accept } });
    expect(r.headers['content-type']).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    expect(r.json.kind).toBe('APIGroupDiscoveryList');
    const etag = r.headers['etag'] as string;
    const again = await rawRequest(server, {
      path: '/apis',
      headers: { Accept: accept, 'If-None-Match': etag },
    });
    expect(again.status).toBe(304);
    const legacy = await rawRequest(server, { path: '/apis' });
    expect(legacy.json.kind).toBe('APIGroupList');
  });
});
