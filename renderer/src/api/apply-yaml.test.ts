import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fieldPath, fieldRange, lineAt, parseObjects, serverDiagnostics } from './apply-yaml.ts';
import { ApiError } from './errors.ts';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: -1
  template:
    spec:
      containers:
        - name: web
          image: ""
`;

describe('YAML editor diagnostics', () => {
  it('puts a syntax error at the line where the parser stopped', () => {
    const { diagnostics } = parseObjects(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [1, 2\n',
    );
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]!.line).toBeGreaterThanOrEqual(6);
  });

  it('says what a document lacks', () => {
    const { diagnostics } = parseObjects('kind: ConfigMap\nmetadata: {}\n');
    expect(diagnostics.map((d) => d.message)).toEqual([
      'apiVersion is required',
      'metadata.name is required',
    ]);
  });

  it('splits several documents', () => {
    const { objects } = parseObjects(
      'apiVersion: v1\nkind: A\nmetadata: {name: a}\n---\napiVersion: v1\nkind: B\nmetadata: {name: b}\n',
    );
    expect(objects.map((o) => o.obj.kind)).toEqual(['A', 'B']);
  });

  it('reads field paths with list indexes', () => {
    expect(fieldPath('spec.template.spec.containers[0].image')).toEqual([
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'image',
    ]);
  });

  it('puts a server field error at the field, or its nearest ancestor', () => {
    const doc = parseDocument(deployment);
    expect(lineAt(deployment, fieldRange(doc, 'spec.replicas')![0])).toBe(6);
    expect(lineAt(deployment, fieldRange(doc, 'spec.template.spec.containers[0].image')![0])).toBe(11);
    expect(lineAt(deployment, fieldRange(doc, 'spec.selector')![0])).toBe(5);
    const err = new ApiError(422, {
      message: 'Deployment.apps "web" is invalid',
      details: { causes: [{ field: 'spec.replicas', message: 'must be greater than or equal to 0' }] },
    });
    const [d] = serverDiagnostics(deployment, doc, err);
    expect(d).toMatchObject({ line: 6, message: 'spec.replicas: must be greater than or equal to 0' });
  });
});
