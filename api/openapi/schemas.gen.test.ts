import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSchemasModule, outputPath } from '../../scripts/gen-openapi.ts';
import { definitions } from './schemas.gen.ts';

describe('generated OpenAPI definitions', () => {
  it('match api/types (run `npx tsx scripts/gen-openapi.ts` after changing a type)', async () => {
    expect(readFileSync(outputPath, 'utf8')).toBe(await generateSchemasModule());
  }, 60_000);

  it('carry upstream names, docs, formats and list merge semantics', () => {
    const spec = definitions['io.k8s.api.core.v1.PodSpec']!;
    expect(spec.required).toEqual(['containers']);
    expect(spec.properties!['containers']).toMatchObject({
      description: expect.stringMatching(/containers/),
      items: { $ref: '#/definitions/io.k8s.api.core.v1.Container' },
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
    expect(spec.properties!['terminationGracePeriodSeconds']).toMatchObject({
      type: 'integer',
      format: 'int64',
    });
    expect(definitions['io.k8s.api.core.v1.Container']!.properties!['ports']).toMatchObject({
      'x-kubernetes-patch-merge-key': 'containerPort',
      'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
    });
    expect(definitions['io.k8s.api.apps.v1.DeploymentSpec']!.properties!['replicas']).toMatchObject({
      type: 'integer',
      format: 'int32',
    });
    expect(definitions['io.k8s.api.apps.v1.RollingUpdateDeployment']!.properties!['maxSurge']!.$ref).toBe(
      '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    );
    expect(
      definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']!.properties!['creationTimestamp'],
    ).toMatchObject({
      type: 'string',
      format: 'date-time',
    });
    expect(definitions['io.k8s.api.core.v1.Secret']!.properties!['data']!.additionalProperties).toEqual({
      type: 'string',
      format: 'byte',
    });
    expect(definitions['io.k8s.api.events.v1.Event']).toBeDefined();
  });

  it('reference only definitions that exist', () => {
    const refs = [...JSON.stringify(definitions).matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    for (const ref of refs) expect(definitions[ref], ref).toBeDefined();
  });
});
