import { describe, expect, it } from 'vitest';
import { toTable } from './convert.ts';
import { typeColumns, nameColumn } from './columns.ts';

const now = Date.parse('2024-01-01T00:10:00Z');
const cm = (name: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', creationTimestamp: '2024-01-01T00:05:00Z', resourceVersion: '7' },
  data: { a: '1' },
});

describe('toTable', () => {
  it("makes rows with the type's columns from a list, keeping list metadata", () => {
    const list = {
      kind: 'ConfigMapList',
      metadata: { resourceVersion: '9', continue: 'c1' },
      items: [cm('a'), cm('b')],
    };
    const table: any = toTable(
      list,
      { group: '', kind: 'ConfigMap', version: 'v1', includeObject: 'Metadata' },
      now,
    );
    expect(table).toMatchObject({
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: '9', continue: 'c1' },
    });
    expect(table.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(table.rows.map((r: any) => r.cells)).toEqual([
      ['a', 1, '5m'],
      ['b', 1, '5m'],
    ]);
    expect(table.rows[0].object).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: cm('a').metadata,
    });
  });

  it('honours includeObject', () => {
    const whole: any = toTable(
      cm('a'),
      { group: '', kind: 'ConfigMap', version: 'v1', includeObject: 'Object' },
      now,
    );
    expect(whole.rows[0].object).toEqual(cm('a'));
    const none: any = toTable(
      cm('a'),
      { group: '', kind: 'ConfigMap', version: 'v1', includeObject: 'None' },
      now,
    );
    expect(none.rows[0].object).toBeUndefined();
  });

  it('uses columns a type registered', () => {
    typeColumns.set('test.example/Widget', [
      nameColumn,
      { name: 'Size', type: 'integer', description: 'size', priority: 0, cell: (o) => o.spec.size },
    ]);
    try {
      const t: any = toTable(
        { metadata: { name: 'w' }, spec: { size: 3 } },
        { group: 'test.example', kind: 'Widget', version: 'v1', includeObject: 'None' },
        now,
      );
      expect(t.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Size']);
      expect(t.rows[0].cells).toEqual(['w', 3]);
    } finally {
      typeColumns.delete('test.example/Widget');
    }
  });
});
