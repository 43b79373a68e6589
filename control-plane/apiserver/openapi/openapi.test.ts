import { describe, expect, it } from 'vitest';
import { resourceTypes } from '../../../api/resources.ts';
import { buildOpenApiV2 } from './v2.ts';
import { buildOpenApiV3 } from './v3.ts';

const v3 = buildOpenApiV3(resourceTypes, 'v1.32.0-flotilla');

describe('OpenAPI v3', () => {
  it('indexes one document per group-version, addressed with its hash', () => {
    const index = JSON.parse(v3.index);
    expect(Object.keys(index.paths)).toContain('api/v1');
    expect(Object.keys(index.paths)).toContain('apis/apps/v1');
    const hash = v3.documents.get('apis/apps/v1')!.hash;
    expect(index.paths['apis/apps/v1'].serverRelativeURL).toBe(`/openapi/v3/apis/apps/v1?hash=${hash}`);
  });

  it('declares fieldValidation on each PATCH, which makes kubectl validate on the server', () => {
    // kubectl's QueryParamVerifierV3: the PATCH operation tagged with the kind's GVK must list
    // the fieldValidation query parameter.
    for (const [key, { body }] of v3.documents) {
      const doc = JSON.parse(body);
      const kinds = resourceTypes.filter(
        (rt) => `${rt.group ? 'apis' : 'api'}/${rt.group ? `${rt.group}/` : ''}${rt.version}` === key,
      );
      for (const rt of kinds.filter((k) => k.verbs.includes('patch'))) {
        const patches = Object.values(doc.paths)
          .map((p: any) => p.patch)
          .filter((op: any) => op && op['x-kubernetes-group-version-kind'].kind === rt.kind);
        expect(patches.length, `${key} ${rt.kind}`).toBeGreaterThan(0);
        for (const op of patches) {
          expect(op.parameters.map((p: any) => p.name)).toContain('fieldValidation');
          // Built-in kinds take strategic merge patches; kubectl apply computes them from the schemas.
          expect(Object.keys(op.requestBody.content)).toContain('application/strategic-merge-patch+json');
        }
      }
    }
  });

  it('has a schema per kind that kubectl explain can find by its GVK', () => {
    const doc = JSON.parse(v3.documents.get('apis/apps/v1')!.body);
    const deployment = doc.components.schemas['io.k8s.api.apps.v1.Deployment'];
    expect(deployment['x-kubernetes-group-version-kind']).toEqual([
      { group: 'apps', kind: 'Deployment', version: 'v1' },
    ]);
    expect(deployment.properties.metadata.allOf[0].$ref).toBe(
      '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    );
    // Every reference resolves inside the document.
    const refs = [...body(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    for (const ref of refs) expect(doc.components.schemas[ref], ref).toBeDefined();
  });
});

function body(doc: unknown): string {
  return JSON.stringify(doc);
}

describe('OpenAPI v2', () => {
  it('is a swagger 2.0 document whose references resolve', () => {
    const doc = JSON.parse(buildOpenApiV2(resourceTypes, 'v1.32.0-flotilla'));
    expect(doc.swagger).toBe('2.0');
    expect(doc.paths['/api/v1/namespaces/{namespace}/configmaps/{name}'].patch.operationId).toBe(
      'patchCoreV1NamespacedConfigMap',
    );
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)].map((m) => m[1]!);
    for (const ref of refs) expect(doc.definitions[ref], ref).toBeDefined();
  });
});

describe('OpenAPI v3 schema shapes', () => {
  const doc = JSON.parse(v3.documents.get('apis/apps/v1')!.body);
  const schemas = doc.components.schemas;

  it('wraps described references in allOf and keeps plain ones', () => {
    const spec = schemas['io.k8s.api.apps.v1.DeploymentSpec'];
    expect(spec.properties.template.allOf).toEqual([
      { $ref: '#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec' },
    ]);
    expect(spec.properties.template.description).toBeTruthy();
    expect(schemas['io.k8s.api.core.v1.PodSpec'].properties.containers.items).toEqual({
      $ref: '#/components/schemas/io.k8s.api.core.v1.Container',
    });
  });

  it('describes IntOrString and Quantity by the types they accept', () => {
    expect(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].oneOf).toEqual([
      { type: 'integer' },
      { type: 'string' },
    ]);
    expect(schemas['io.k8s.apimachinery.pkg.api.resource.Quantity'].type).toBeUndefined();
  });

  it('holds only what its kinds reach', () => {
    expect(schemas['io.k8s.api.core.v1.Container']).toBeDefined();
    expect(schemas['io.k8s.api.networking.v1.Ingress']).toBeUndefined();
  });
});
