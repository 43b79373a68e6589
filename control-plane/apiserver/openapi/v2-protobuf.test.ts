// The protobuf OpenAPI v2 document read back with a tiny wire-format reader, by gnostic's field
// numbers: what kubectl's List validation needs (kinds found by x-kubernetes-group-version-kind,
// schemas with their properties, types, refs and maps) is there and equals the JSON document.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resourceTypes } from '../../../api/resources.ts';
import { buildOpenApiV2 } from './v2.ts';
import { encodeOpenApiV2Protobuf } from './v2-protobuf.ts';
import { ProtoWriter } from './proto-writer.ts';

type Fields = Map<number, (Buffer | number)[]>;

/** Decode one message level into field number → values (bytes for length-delimited, numbers for varints). */
function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let i = 0;
  const varint = () => {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = buf[i++]!;
      n += (b & 0x7f) * scale;
      scale *= 0x80;
      if (b < 0x80) return n;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    let value: Buffer | number;
    if (tag % 8 === 0) value = varint();
    else if (tag % 8 === 2) {
      const len = varint();
      value = buf.subarray(i, i + len);
      i += len;
    } else throw new Error(`unexpected wire type ${tag % 8}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

const bytes = (f: Fields, n: number) => (f.get(n) ?? []) as Buffer[];
const one = (f: Fields, n: number) => fields(bytes(f, n)[0] ?? Buffer.alloc(0));
const text = (f: Fields, n: number) => bytes(f, n)[0]?.toString('utf8');
const texts = (f: Fields, n: number) => bytes(f, n).map((b) => b.toString('utf8'));

/** Repeated (name = 1, value = 2) pairs as a map of name → decoded value. */
function named(entries: Buffer[]): Map<string, Fields> {
  return new Map(entries.map((e) => fields(e)).map((p) => [text(p, 1)!, one(p, 2)]));
}

const json = JSON.parse(buildOpenApiV2(resourceTypes, 'v1.32.0-flotilla'));
const doc = fields(encodeOpenApiV2Protobuf(json));
// Document.definitions (9) is Definitions{repeated NamedSchema additional_properties = 1}.
const definitions = named(bytes(one(doc, 9), 1));
const properties = (schema: Fields) => named(bytes(one(schema, 25), 1));
const extension = (schema: Fields, name: string) => {
  const ext = named(bytes(schema, 31)).get(name);
  return ext && parse(text(ext, 2)!);
};

describe('OpenAPI v2 as gnostic protobuf', () => {
  it('carries the swagger version, the info and every definition of the JSON document', () => {
    expect(text(doc, 1)).toBe('2.0');
    expect(text(one(doc, 2), 1)).toBe('Kubernetes');
    expect(text(one(doc, 2), 2)).toBe('v1.32.0-flotilla');
    expect([...definitions.keys()]).toEqual(Object.keys(json.definitions));
  });

  it('names the kind of each kind definition in x-kubernetes-group-version-kind, as YAML', () => {
    const configMap = definitions.get('io.k8s.api.core.v1.ConfigMap')!;
    expect(extension(configMap, 'x-kubernetes-group-version-kind')).toEqual([
      { group: '', kind: 'ConfigMap', version: 'v1' },
    ]);
    expect(
      extension(definitions.get('io.k8s.api.apps.v1.Deployment')!, 'x-kubernetes-group-version-kind'),
    ).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  });

  it('encodes properties with their type, format, description, references, arrays and maps', () => {
    const configMap = definitions.get('io.k8s.api.core.v1.ConfigMap')!;
    expect(texts(one(configMap, 22), 1)).toEqual(['object']);
    const props = properties(configMap);
    expect([...props.keys()]).toEqual(
      Object.keys(json.definitions['io.k8s.api.core.v1.ConfigMap'].properties),
    );
    expect(text(props.get('metadata')!, 1)).toBe(
      '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    );
    // data: a map of strings (additionalProperties holds a Schema in its oneof field 1).
    const data = props.get('data')!;
    expect(text(data, 4)).toBe(json.definitions['io.k8s.api.core.v1.ConfigMap'].properties.data.description);
    expect(texts(one(one(one(data, 21), 1), 22), 1)).toEqual(['string']);

    const spec = properties(definitions.get('io.k8s.api.core.v1.PodSpec')!);
    // containers: an array whose ItemsItem holds one Schema referencing Container, with merge extensions.
    const containers = spec.get('containers')!;
    expect(texts(one(containers, 22), 1)).toEqual(['array']);
    expect(text(one(one(containers, 23), 1), 1)).toBe('#/definitions/io.k8s.api.core.v1.Container');
    expect(extension(containers, 'x-kubernetes-patch-merge-key')).toBe('name');
    expect(text(spec.get('terminationGracePeriodSeconds')!, 2)).toBe('int64');
    expect(texts(definitions.get('io.k8s.api.core.v1.Container')!, 19)).toContain('name');
  });

  it('keeps the paths with their operations, parameters and responses', () => {
    const paths = named(bytes(one(doc, 8), 2));
    expect([...paths.keys()]).toEqual(Object.keys(json.paths));
    const configMaps = paths.get('/api/v1/namespaces/{namespace}/configmaps')!;
    const list = one(configMaps, 2); // PathItem.get
    expect(text(list, 5)).toBe(json.paths['/api/v1/namespaces/{namespace}/configmaps'].get.operationId);
    const ok = named(bytes(one(list, 9), 1)).get('200')!; // Responses.response_code → ResponseValue
    expect(text(one(one(one(ok, 1), 2), 1), 1)).toBe('#/definitions/io.k8s.api.core.v1.ConfigMapList');
    // The path's own parameters: namespace (a path parameter, required) first.
    const namespace = one(one(one(fields(bytes(configMaps, 9)[0]!), 1), 2), 4);
    expect(text(namespace, 4)).toBe('namespace');
    expect(namespace.get(1)).toEqual([1]);
  });
});

describe('ProtoWriter', () => {
  it('writes lengths over 127 as multi-byte varints and a false that a oneof needs', () => {
    const w = new ProtoWriter();
    w.string(1, 'x'.repeat(300));
    w.bool(2, false);
    w.bool(3, false, true);
    const f = fields(w.finish());
    expect(text(f, 1)).toHaveLength(300);
    expect(f.has(2)).toBe(false);
    expect(f.get(3)).toEqual([0]);
  });
});
