import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  decodeObject,
  decodeObjects,
  decodeValue,
  encodeYAML,
  formatFromContentType,
} from './index.ts';

function decodeError(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DecodeError) return err;
    throw err;
  }
  throw new Error('expected a DecodeError');
}

const billionLaughs = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
  'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
].join('\n');

describe('decoding JSON bodies', () => {
  it('reads one object and reports repeated keys by path', () => {
    const { object, duplicateFields } = decodeObject(
      '{"kind":"Pod","metadata":{"name":"a","name":"b"},"spec":{"containers":[{"name":"c","name":"d"}]}}',
    );
    expect(object.metadata?.name).toBe('b');
    expect(duplicateFields).toEqual(['metadata.name', 'spec.containers[0].name']);
  });

  it('refuses repeated keys when asked to, like fieldValidation=Strict', () => {
    expect(decodeError(() => decodeObject('{"a":1,"a":2}', { refuseDuplicates: true })).message).toBe(
      'duplicate field "a"',
    );
  });

  it.each([
    ['{"a":}', "invalid JSON at line 1, column 6: invalid character '}' looking for beginning of value"],
    ['{"a":1', 'invalid JSON at line 1, column 7: unexpected end of JSON input'],
    [
      '{\n  "a": 1\n  "b": 2\n}',
      "invalid JSON at line 3, column 3: invalid character '\"' after object key:value pair",
    ],
    ['{"a" 1}', "invalid JSON at line 1, column 6: invalid character '1' after object key"],
    [
      '{a:1}',
      "invalid JSON at line 1, column 2: invalid character 'a' looking for beginning of object key string",
    ],
    ['[1,]', "invalid JSON at line 1, column 4: invalid character ']' looking for beginning of value"],
    ['{"a":tru}', "invalid JSON at line 1, column 9: invalid character '}' in literal true (expecting 'e')"],
    ['{"a":"\\q"}', "invalid JSON at line 1, column 8: invalid character 'q' in string escape code"],
    ['{"a":"x\ny"}', "invalid JSON at line 1, column 8: invalid character '\\n' in string literal"],
    ['{"a":01}', "invalid JSON at line 1, column 7: invalid character '1' after object key:value pair"],
    ['{} {}', "invalid JSON at line 1, column 4: invalid character '{' after top-level value"],
  ])('says what and where for %j', (body, message) => {
    const err = decodeError(() => decodeObject(body, { format: 'json' }));
    expect(err.problem).toBe('syntax');
    expect(err.message).toBe(message);
  });

  it('caps nesting depth', () => {
    const deep = '{"a":'.repeat(101) + '1' + '}'.repeat(101);
    const err = decodeError(() => decodeObject(deep));
    expect(err.problem).toBe('depth');
    expect(err.message).toBe('JSON nesting exceeded max depth of 100 at line 1, column 501');
    expect(decodeObject('{"a":'.repeat(99) + '1' + '}'.repeat(99)).object).toBeTruthy();
  });

  it('refuses bodies that are not objects, and numbers JSON cannot hold', () => {
    expect(decodeError(() => decodeObject('[1,2]')).message).toBe(
      'the body must be an object (a mapping), not a list',
    );
    expect(decodeError(() => decodeObject('"x"')).problem).toBe('not-object');
    expect(decodeError(() => decodeObject('   ')).problem).toBe('empty');
    expect(decodeError(() => decodeObject('{"a":1e400}')).problem).toBe('value');
  });

  it('accepts any JSON value where one is expected (JSON Patch)', () => {
    expect(decodeValue('[{"op":"remove","path":"/a"}]').value).toEqual([{ op: 'remove', path: '/a' }]);
  });

  it('reads bytes, dropping a byte-order mark', () => {
    const bytes = new TextEncoder().encode('\uFEFF{"kind":"ConfigMap","data":{"k":"välue"}}');
    expect(decodeObject(bytes).object.data.k).toBe('välue');
  });
});

describe('decoding YAML bodies and manifests', () => {
  it('reads every document and flattens v1 Lists', () => {
    const { objects } = decodeObjects(
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: a}',
        '---',
        '# only a comment',
        '---',
        'apiVersion: v1',
        'kind: List',
        'items:',
        '- {apiVersion: v1, kind: Secret, metadata: {name: b}}',
        '- {apiVersion: v1, kind: Service, metadata: {name: c}}',
      ].join('\n'),
    );
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'ConfigMap/a',
      'Secret/b',
      'Service/c',
    ]);
  });

  it('reads scalars the way kubectl does (YAML 1.1 booleans and octals, dates stay strings)', () => {
    const { object } = decodeObject('a: yes\nb: off\nc: 0777\nd: 2024-01-02\ne: "yes"\nf: 1.5\ng: ~\n', {
      format: 'yaml',
    });
    expect(object).toEqual({ a: true, b: false, c: 511, d: '2024-01-02', e: 'yes', f: 1.5, g: null });
  });

  it('reports repeated keys by path, per document', () => {
    expect(decodeObjects('a: 1\n---\nb:\n  c: 1\n  c: 2\n').duplicateFields).toEqual(['[1].b.c']);
  });

  it('refuses alias expansion bombs (billion laughs)', () => {
    const err = decodeError(() => decodeObjects(billionLaughs));
    expect(err.problem).toBe('aliases');
    expect(err.message).toContain('refusing it as a resource exhaustion attack');
  });

  it('still allows a few aliases', () => {
    const { object } = decodeObject('base: &b {x: 1}\ncopy: *b\n', { format: 'yaml' });
    expect(object.copy).toEqual({ x: 1 });
  });

  it('caps nesting depth, even for flow collections far beyond the cap', () => {
    expect(decodeError(() => decodeObjects('a: ' + '['.repeat(150) + ']'.repeat(150))).problem).toBe('depth');
    expect(decodeError(() => decodeObjects('a: ' + '['.repeat(100_000))).problem).toBe('depth');
    let nested = '';
    for (let i = 0; i < 120; i++) nested += `${' '.repeat(i)}k:\n`;
    expect(decodeError(() => decodeObjects(nested)).problem).toBe('depth');
  });

  it('says where a syntax error is', () => {
    const err = decodeError(() => decodeObjects('a: 1\nb: [1, 2\nc: 3\n'));
    expect(err.problem).toBe('syntax');
    expect(err.position?.line).toBeGreaterThanOrEqual(2);
    expect(err.message).toMatch(/^invalid YAML at line \d+, column \d+: /);
  });

  it('names the document that is not an object', () => {
    const err = decodeError(() => decodeObjects('kind: A\n---\n- 1\n- 2\n'));
    expect(err.message).toBe('document 2 must be an object (a mapping), not a list');
    expect(err.document).toBe(1);
    expect(err.position?.line).toBe(3);
  });

  it('refuses values JSON cannot hold', () => {
    expect(decodeError(() => decodeObjects('a: .inf\n')).problem).toBe('value');
  });
});

describe('encoding', () => {
  it('writes YAML like kubectl get -o yaml: sorted keys, unindented lists, 1.1-safe strings', () => {
    expect(
      encodeYAML({
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { name: 'x', labels: { on: 'yes' } },
        spec: { containers: [{ name: 'c', args: ['0777', 'a b'] }] },
      }),
    ).toBe(
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  labels:',
        '    "on": "yes"',
        '  name: x',
        'spec:',
        '  containers:',
        '  - args:',
        '    - "0777"',
        '    - a b',
        '    name: c',
        '',
      ].join('\n'),
    );
  });

  it('round-trips through YAML', () => {
    const obj = { a: 'yes', b: '0777', c: 1, d: [true, null, 'x: y'], e: { f: '2024-01-02' } };
    expect(decodeObject(encodeYAML(obj), { format: 'yaml' }).object).toEqual(obj);
  });

  it('knows body formats from content types', () => {
    expect(formatFromContentType('application/json; charset=utf-8')).toBe('json');
    expect(formatFromContentType('application/merge-patch+json')).toBe('json');
    expect(formatFromContentType('application/apply-patch+yaml')).toBe('yaml');
    expect(formatFromContentType('application/yaml')).toBe('yaml');
    expect(formatFromContentType('text/plain')).toBeUndefined();
  });
});
