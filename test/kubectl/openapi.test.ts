// OpenAPI, kubectl explain and server-side field validation against `flotilla serve` with the
// real kubectl: explain prints field docs from the generated schemas, the v3 documents are
// addressed by hash and cacheable, unknown fields are refused, warned about or ignored as
// fieldValidation (kubectl --validate) says and are never stored, and kubectl apply merges lists
// by the merge keys the schemas publish.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startServer, type TestServer } from '../helpers/server.ts';

const ns = 'openapi';
let server: TestServer;

async function ok(args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r;
}

async function fails(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  expect(r.code, `kubectl ${args.join(' ')} should fail:\n${r.stdout}`).not.toBe(0);
  return r.stderr;
}

const deployment = (name: string, extra: { spec?: string; container?: string } = {}) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:${extra.spec ? `\n  ${extra.spec}` : ''}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: app
        image: busybox${extra.container ? `\n        ${extra.container}` : ''}
`;

beforeAll(async () => {
  server = await startServer({ args: ['--controllers', ''] });
  await ok(['create', 'namespace', ns]);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('kubectl explain', () => {
  it('prints a field of a field with its type, docs and the fields below it', async () => {
    const { stdout } = await ok(['explain', 'pods.spec.containers']);
    expect(stdout).toMatch(/^KIND:\s+Pod\nVERSION:\s+v1\n\nFIELD: containers <\[\]Container>\n/);
    expect(stdout).toContain('DESCRIPTION:');
    expect(stdout).toMatch(/\n {2}name\t<string> -required-\n/);
    expect(stdout).toMatch(/\n {2}ports\t<\[\]ContainerPort>\n/);
    expect(stdout).toMatch(/\n {2}resources\t<ResourceRequirements>\n/);
  });

  it('prints a whole kind recursively', async () => {
    const { stdout } = await ok(['explain', 'deployment', '--recursive']);
    expect(stdout).toMatch(/^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n/);
    expect(stdout).toContain('Deployment enables declarative updates for Pods and ReplicaSets.');
    expect(stdout).toMatch(/\n {8}maxSurge\t<IntOrString>\n/);
    expect(stdout).toMatch(/\n {8}containers\t<\[\]Container> -required-\n/);
    expect(stdout).toMatch(/\n {12}limits\t<map\[string\]Quantity>\n/);
    expect(stdout).toMatch(/\n {4}creationTimestamp\t<string>\n/);
  });

  it('prints a leaf field, and says when a field does not exist', async () => {
    const { stdout } = await ok(['explain', 'svc.spec.ports.port']);
    expect(stdout).toMatch(/^KIND:\s+Service\nVERSION:\s+v1\n\nFIELD: port <integer>\n/);
    expect(stdout).toContain('DESCRIPTION:');
    expect(await fails(['explain', 'svc.spec.nosuchfield'])).toContain('field "nosuchfield" does not exist');
  });
});

describe('OpenAPI documents', () => {
  it('serves v3 documents by hash, cacheable for good, and revalidates them by ETag', async () => {
    const index = await rawRequest(server, { path: '/openapi/v3' });
    expect(index.status).toBe(200);
    const url: string = index.json.paths['apis/apps/v1'].serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]+$/);
    const doc = await rawRequest(server, { path: url });
    expect(doc.status).toBe(200);
    expect(doc.headers['cache-control']).toContain('immutable');
    expect(doc.headers['etag']).toBe(`"${url.split('hash=')[1]}"`);
    const containers = doc.json.components.schemas['io.k8s.api.core.v1.PodSpec'].properties.containers;
    expect(containers['x-kubernetes-patch-merge-key']).toBe('name');
    expect(containers['x-kubernetes-patch-strategy']).toBe('merge');
    const again = await rawRequest(server, {
      path: '/openapi/v3/apis/apps/v1',
      headers: { 'If-None-Match': doc.headers['etag'] as string },
    });
    expect(again.status).toBe(304);
    const core = await rawRequest(server, { path: '/openapi/v3/api/v1' });
    expect(core.json.components.schemas['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind']).toEqual(
      [{ group: '', kind: 'Pod', version: 'v1' }],
    );
  });

  it('serves swagger 2.0 with every resource path and the generated definitions', async () => {
    const v2 = await rawRequest(server, { path: '/openapi/v2', headers: { Accept: 'application/json' } });
    expect(v2.status).toBe(200);
    expect(v2.json.swagger).toBe('2.0');
    expect(v2.json.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch.operationId).toBe(
      'patchAppsV1NamespacedDeployment',
    );
    const ports = v2.json.definitions['io.k8s.api.core.v1.ServiceSpec'].properties.ports;
    expect(ports['x-kubernetes-patch-merge-key']).toBe('port');
    expect(ports['x-kubernetes-list-map-keys']).toEqual(['port', 'protocol']);
  });
});

describe('server-side field validation', () => {
  const unknownFields = 'unknown field "spec.foo", unknown field "spec.template.spec.containers[0].imagen"';
  const withUnknown = (name: string) => deployment(name, { spec: 'foo: 1', container: 'imagen: typo' });

  it('refuses unknown fields by default (kubectl --validate=strict), with upstream message', async () => {
    const stderr = await fails(['create', '-n', ns, '-f', '-'], withUnknown('strict'));
    expect(stderr).toContain(
      `Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ${unknownFields}`,
    );
    expect((await server.kubectl(['get', 'deploy', 'strict', '-n', ns])).code).not.toBe(0);
  });

  it('warns with --validate=warn and stores the object without the unknown fields', async () => {
    const { stderr } = await ok(['create', '-n', ns, '--validate=warn', '-f', '-'], withUnknown('warned'));
    expect(stderr).toContain('Warning: unknown field "spec.foo"');
    expect(stderr).toContain('Warning: unknown field "spec.template.spec.containers[0].imagen"');
    const stored = JSON.parse((await ok(['get', 'deploy', 'warned', '-n', ns, '-o', 'json'])).stdout);
    expect(stored.spec.foo).toBeUndefined();
    expect(stored.spec.template.spec.containers[0]).not.toHaveProperty('imagen');
    expect(stored.spec.template.spec.containers[0].image).toBe('busybox');
  });

  it('drops unknown fields silently with --validate=false', async () => {
    const { stderr } = await ok(['create', '-n', ns, '--validate=false', '-f', '-'], withUnknown('ignored'));
    expect(stderr).not.toContain('unknown field');
    const stored = JSON.parse((await ok(['get', 'deploy', 'ignored', '-n', ns, '-o', 'json'])).stdout);
    expect(stored.spec.foo).toBeUndefined();
  });

  it('checks replace and patches too', async () => {
    const stderr = await fails(['replace', '-n', ns, '-f', '-'], withUnknown('warned'));
    expect(stderr).toContain(`strict decoding error: ${unknownFields}`);
    // kubectl patch has no --validate: the server's default, Warn, applies.
    const patched = await ok([
      'patch',
      'deploy',
      'warned',
      '-n',
      ns,
      '--type=merge',
      '-p',
      '{"spec":{"bar":1}}',
    ]);
    expect(patched.stderr).toContain('Warning: unknown field "spec.bar"');
    const strict = await rawRequest(server, {
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/${ns}/deployments/warned?fieldValidation=Strict`,
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: '{"spec":{"bar":1}}',
    });
    expect(strict.status).toBe(400);
    expect(strict.json.reason).toBe('BadRequest');
    expect(strict.json.message).toBe('strict decoding error: unknown field "spec.bar"');
    const stored = JSON.parse((await ok(['get', 'deploy', 'warned', '-n', ns, '-o', 'json'])).stdout);
    expect(stored.spec.bar).toBeUndefined();
  });

  it('reports duplicate fields as upstream does', async () => {
    const body =
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup"},"data":{"a":"1"},"data":{"b":"2"}}';
    const strict = await rawRequest(server, {
      method: 'POST',
      path: `/api/v1/namespaces/${ns}/configmaps?fieldValidation=Strict`,
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(strict.status).toBe(400);
    expect(strict.json.message).toContain('strict decoding error: duplicate field "data"');
    const warned = await rawRequest(server, {
      method: 'POST',
      path: `/api/v1/namespaces/${ns}/configmaps?fieldValidation=Warn`,
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(warned.status).toBe(201);
    expect(String(warned.headers['warning'])).toContain('duplicate field \\"data\\"');
  });
});

describe('kubectl apply and the published merge keys', () => {
  it('merges containers by name, keeping one another writer added', async () => {
    await ok(['apply', '-n', ns, '-f', '-'], deployment('merged'));
    await ok([
      'patch',
      'deploy',
      'merged',
      '-n',
      ns,
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}',
    ]);
    await ok(
      ['apply', '-n', ns, '-f', '-'],
      deployment('merged').replace('image: busybox', 'image: busybox:2'),
    );
    const stored = JSON.parse((await ok(['get', 'deploy', 'merged', '-n', ns, '-o', 'json'])).stdout);
    const containers = stored.spec.template.spec.containers.map((c: any) => `${c.name}=${c.image}`).sort();
    expect(containers).toEqual(['app=busybox:2', 'sidecar=busybox']);
  });
});
