// kubectl validates a `kind: List` on the client through /openapi/v2, which it asks for only as
// gnostic protobuf. Against `flotilla serve` with the real kubectl: a valid List applies with the
// default validation, an unknown field in any item is reported by kubectl before anything is
// sent, and the document is served with upstream's media type and a revalidatable ETag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startServer, type TestServer } from '../helpers/server.ts';

const ns = 'openapi-v2-pb';
let server: TestServer;

const list = (extra: { configMap?: string; container?: string } = {}) => `
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
  data:
    mode: fast${extra.configMap ? `\n  ${extra.configMap}` : ''}
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
  spec:
    selector:
      matchLabels: {app: web}
    template:
      metadata:
        labels: {app: web}
      spec:
        containers:
        - name: app
          image: busybox${extra.container ? `\n          ${extra.container}` : ''}
`;

beforeAll(async () => {
  server = await startServer();
  const r = await server.kubectl(['create', 'namespace', ns]);
  expect(r.code, r.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

describe('kubectl apply of a v1 List (OpenAPI v2 protobuf)', () => {
  it('applies a valid List with the default client-side validation', async () => {
    const r = await server.kubectl(['apply', '-n', ns, '-f', '-'], { input: list() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'configmap/settings created',
      'deployment.apps/web created',
    ]);
    const cm = await server.kubectl([
      'get',
      'configmap',
      'settings',
      '-n',
      ns,
      '-o',
      'jsonpath={.data.mode}',
    ]);
    expect(cm.stdout).toBe('fast');
  });

  it('reports an unknown field in a List item, naming the field and its definition', async () => {
    const top = await server.kubectl(['apply', '-n', ns, '-f', '-'], {
      input: list({ configMap: 'colour: red' }),
    });
    expect(top.code).not.toBe(0);
    expect(top.stderr).toMatch(/unknown field "colour" in io\.k8s\.api\.core\.v1\.ConfigMap/);
    expect(top.stderr).toMatch(/--validate=false/);

    const deep = await server.kubectl(['apply', '-n', ns, '-f', '-'], {
      input: list({ container: 'imagee: x' }),
    });
    expect(deep.code).not.toBe(0);
    expect(deep.stderr).toMatch(
      /ValidationError\(Deployment\.spec\.template\.spec\.containers\[0\]\): unknown field "imagee" in io\.k8s\.api\.core\.v1\.Container/,
    );
  });

  it('serves the protobuf with upstream media type and an ETag that revalidates', async () => {
    const accept = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
    const first = await rawRequest(server, { path: '/openapi/v2', headers: { Accept: accept } });
    expect(first.status).toBe(200);
    // Upstream answers with the `.v1.0` spelling: kubectl's (Go's) media type parser rejects the `@`.
    expect(first.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const etag = first.headers['etag'] as string;
    expect(etag).toMatch(/^"[0-9A-F]+"$/);
    const again = await rawRequest(server, {
      path: '/openapi/v2',
      headers: { Accept: accept, 'If-None-Match': etag },
    });
    expect(again.status).toBe(304);
    // JSON is still served as before, with its own ETag.
    const json = await rawRequest(server, { path: '/openapi/v2', headers: { Accept: 'application/json' } });
    expect(json.headers['content-type']).toBe('application/json');
    expect(json.json.swagger).toBe('2.0');
    expect(json.headers['etag']).not.toBe(etag);
  });
});
