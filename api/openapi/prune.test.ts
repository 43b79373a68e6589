import { describe, expect, it } from 'vitest';
import { pruneUnknownFields } from './prune.ts';
import { definitions } from './schemas.gen.ts';

const deployment = 'io.k8s.api.apps.v1.Deployment';

describe('pruneUnknownFields', () => {
  it('drops fields the schema does not declare and names them by path', () => {
    const obj = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' }, colour: 'blue' },
      spec: {
        foo: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'c', image: 'i', ports: [{ containerPort: 80, bar: true }] },
              { name: 'd', imagen: 'x' },
            ],
          },
        },
      },
    };
    expect(pruneUnknownFields(definitions, deployment, obj)).toEqual([
      'metadata.colour',
      'spec.foo',
      'spec.template.spec.containers[0].ports[0].bar',
      'spec.template.spec.containers[1].imagen',
    ]);
    expect(obj.metadata).toEqual({ name: 'web', labels: { app: 'web' } });
    expect(obj.spec.template.spec.containers[1]).toEqual({ name: 'd' });
  });

  it('keeps map entries, free-form fields and values of the wrong type for validation to judge', () => {
    const obj = {
      metadata: {
        annotations: { anything: 'goes' },
        managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }],
      },
      spec: { replicas: 'three', selector: 'oops' },
    };
    const before = structuredClone(obj);
    expect(pruneUnknownFields(definitions, deployment, obj)).toEqual([]);
    expect(obj).toEqual(before);
  });

  it('leaves objects of undescribed kinds alone', () => {
    expect(pruneUnknownFields(definitions, 'io.k8s.api.example.v1.Widget', { spec: { x: 1 } })).toEqual([]);
  });
});
