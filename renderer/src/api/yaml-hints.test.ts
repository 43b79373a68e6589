// Schema hints against the OpenAPI v3 our own API server serves for apps/v1 (saved from
// `kubectl get --raw /openapi/v3/apis/apps/v1` in testdata/; regenerate it when schemas change).
import { describe, expect, it } from 'vitest';
import appsV1 from './testdata/openapi-v3-apps-v1.json' with { type: 'json' };
import { OpenApiCache, SchemaSet, type OpenApiDocument } from './openapi-schema.ts';
import { completeAt, hoverAt, unknownFields } from './yaml-hints.ts';

/** The cluster's OpenAPI as the client sees it: the index, then apps/v1; counts requests. */
function cluster() {
  const requests: string[] = [];
  const cache = new OpenApiCache(<T>(path: string) => {
    requests.push(path);
    if (path === '/openapi/v3')
      return Promise.resolve({
        paths: { 'apis/apps/v1': { serverRelativeURL: '/openapi/v3/apis/apps/v1?hash=abc' } },
      } as T);
    if (path === '/openapi/v3/apis/apps/v1?hash=abc') return Promise.resolve(appsV1 as T);
    return Promise.reject(new Error(`404 ${path}`));
  });
  return { cache, requests };
}

const header = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n';

describe('YAML schema hints', () => {
  it('offers the fields of spec with their types and descriptions, at the typed prefix', async () => {
    const { cache } = cluster();
    const text = `${header}spec:\n  rep`;
    const c = (await completeAt(cache, text, text.length))!;
    expect(c.from).toBe(text.length - 3);
    const replicas = c.options.find((o) => o.label === 'replicas');
    expect(replicas).toMatchObject({ type: 'integer', apply: 'replicas: ' });
    expect(replicas!.description).toMatch(/pods/);
    expect(c.options.find((o) => o.label === 'template')).toMatchObject({
      type: 'PodTemplateSpec',
      required: true,
      apply: 'template:\n    ',
    });
    expect(c.options.map((o) => o.label)).toContain('selector');
  });

  it('follows lists into containers and leaves out fields already written', async () => {
    const { cache } = cluster();
    const text = `${header}spec:\n  template:\n    spec:\n      containers:\n        - name: web\n          `;
    const c = (await completeAt(cache, text, text.length))!;
    const labels = c.options.map((o) => o.label);
    expect(labels).toContain('image');
    expect(labels).toContain('ports');
    expect(labels).not.toContain('name');
    expect(c.options.find((o) => o.label === 'ports')).toMatchObject({
      type: '[]ContainerPort',
      apply: 'ports:\n            - ',
    });
    const top = `${header}spec:\n  replicas: 1\n  `;
    expect((await completeAt(cache, top, top.length))!.options.map((o) => o.label)).not.toContain('replicas');
  });

  it('fetches each group-version once, through the /openapi/v3 index', async () => {
    const { cache, requests } = cluster();
    const text = `${header}spec:\n  `;
    await completeAt(cache, text, text.length);
    await completeAt(cache, text, text.length);
    expect(requests).toEqual(['/openapi/v3', '/openapi/v3/apis/apps/v1?hash=abc']);
    // A group-version the server does not serve: no hints, no error.
    const other = 'apiVersion: example.com/v1\nkind: Thing\nspec:\n  ';
    expect(await completeAt(cache, other, other.length)).toBeUndefined();
  });

  it('describes the field under the mouse', async () => {
    const { cache } = cluster();
    const text = `${header}spec:\n  replicas: 2\n  strategy:\n    type: Recreate\n`;
    const h = (await hoverAt(cache, text, text.indexOf('replicas') + 3))!;
    expect(h).toMatchObject({ path: ['spec', 'replicas'], type: 'integer' });
    expect(text.slice(h.from, h.to)).toBe('replicas');
    expect(h.description).toMatch(/Desired number of pods/);
    expect((await hoverAt(cache, text, text.indexOf('type:') + 1))!.description).toMatch(/Recreate/);
    expect(await hoverAt(cache, text, text.indexOf('Recreate') + 1)).toBeUndefined();
  });

  it('offers enum values where the schema has them', async () => {
    const doc = structuredClone(appsV1) as OpenApiDocument;
    doc.components!.schemas!['io.k8s.api.apps.v1.DeploymentStrategy']!.properties!['type']!.enum = [
      'Recreate',
      'RollingUpdate',
    ];
    const cache = new OpenApiCache(<T>(path: string) =>
      Promise.resolve(
        (path === '/openapi/v3' ? { paths: { 'apis/apps/v1': { serverRelativeURL: '/doc' } } } : doc) as T,
      ),
    );
    const text = `${header}spec:\n  strategy:\n    type: Ro`;
    const c = (await completeAt(cache, text, text.length))!;
    expect(c.options.map((o) => o.label)).toEqual(['Recreate', 'RollingUpdate']);
    expect(c.from).toBe(text.length - 2);
  });

  it('offers the apiVersions the server serves, and the kinds of the chosen one', async () => {
    const { cache } = cluster();
    const v = 'apiVersion: ap';
    expect((await completeAt(cache, v, v.length))!.options.map((o) => o.label)).toEqual(['apps/v1']);
    const k = 'apiVersion: apps/v1\nkind: D';
    const kinds = (await completeAt(cache, k, k.length))!;
    expect(kinds.options.map((o) => o.label)).toEqual([
      'ControllerRevision',
      'DaemonSet',
      'Deployment',
      'ReplicaSet',
      'StatefulSet',
    ]);
    expect(kinds.from).toBe(k.length - 1);
    expect(kinds.options.find((o) => o.label === 'Deployment')!.description).toMatch(/declarative updates/);
  });

  it('flags fields the schema does not have, but not inside free-form maps', async () => {
    const { cache } = cluster();
    const text = `${header}  labels: { any-key: x }\nspec:\n  replica: 2\n  template:\n    spec:\n      containers:\n        - name: a\n          imagee: x\n`;
    const found = await unknownFields(cache, text);
    expect(found.map((f) => f.message)).toEqual([
      'unknown field "spec.replica" in Deployment',
      'unknown field "spec.template.spec.containers[0].imagee" in Deployment',
    ]);
    expect(text.slice(found[0]!.from, found[0]!.to)).toBe('replica');
  });

  it('names types the way kubectl explain does', () => {
    const set = new SchemaSet(appsV1 as OpenApiDocument);
    const spec = set.at(set.kind('apps/v1', 'Deployment')!, ['spec', 'template', 'spec'])!;
    expect(set.typeName(spec.properties!['containers'])).toBe('[]Container');
    expect(set.typeName(spec.properties!['nodeSelector'])).toBe('map[string]string');
    expect(set.typeName(spec.properties!['hostNetwork'])).toBe('boolean');
  });
});
