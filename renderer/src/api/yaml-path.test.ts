import { describe, expect, it } from 'vitest';
import { completionContext, documentAt, keyAt } from './yaml-path.ts';

/** The text with `|` marking the cursor, split into the text and the cursor's offset. */
function at(marked: string): [string, number] {
  const offset = marked.indexOf('|');
  return [marked.slice(0, offset) + marked.slice(offset + 1), offset];
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx
`;

describe('the field path at the cursor while typing', () => {
  it('reads a half-typed key under its parent (the parser would call it a value)', () => {
    const c = completionContext(...at('apiVersion: apps/v1\nkind: Deployment\nspec:\n  rep|'));
    expect(c).toMatchObject({ path: ['spec'], prefix: 'rep', at: 'key', column: 2 });
    expect(c.doc).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
  });

  it('skips deeper siblings and finds list items, with or without the dash indented', () => {
    const [text, offset] = at(deployment.replace('          image: nginx\n', '          ima|\n'));
    expect(completionContext(text, offset).path).toEqual(['spec', 'template', 'spec', 'containers', '[]']);
    expect(completionContext(...at(`${deployment}  |`)).path).toEqual(['spec']);
    expect(completionContext(...at('containers:\n- name: a\n  ima|')).path).toEqual(['containers', '[]']);
    expect(completionContext(...at(`${deployment}        - na|`)).path).toEqual([
      'spec',
      'template',
      'spec',
      'containers',
      '[]',
    ]);
    expect(completionContext(...at('a:\n  - - x: 1\n      y|')).path).toEqual(['a', '[]', '[]']);
  });

  it('tells a value from a key, for enum completion', () => {
    const c = completionContext(...at('spec:\n  strategy:\n    type: Rec|'));
    expect(c).toMatchObject({ at: 'value', path: ['spec', 'strategy', 'type'], prefix: 'Rec' });
    expect(c.from).toBe('spec:\n  strategy:\n    type: '.length);
  });

  it('in a multi-document text, uses the document the cursor is in', () => {
    const [text, offset] = at(
      'apiVersion: v1\nkind: Service\n---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  |',
    );
    const c = completionContext(text, offset);
    expect(c.doc).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
    expect(c.path).toEqual(['spec']);
    expect(documentAt(text, 3)).toMatchObject({ apiVersion: 'v1', kind: 'Service' });
  });
});

describe('the key under the mouse', () => {
  it('gives the path to a key and its range, through lists', () => {
    const offset = deployment.indexOf('image') + 2;
    const k = keyAt(deployment, offset)!;
    expect(k.path).toEqual(['spec', 'template', 'spec', 'containers', '[]', 'image']);
    expect(deployment.slice(k.from, k.to)).toBe('image');
    expect(keyAt(deployment, deployment.indexOf('replicas') + 1)!.path).toEqual(['spec', 'replicas']);
  });

  it('gives nothing over a value', () => {
    expect(keyAt(deployment, deployment.indexOf('nginx') + 1)).toBeUndefined();
  });
});
