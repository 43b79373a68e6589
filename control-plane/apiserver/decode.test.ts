import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { decodeObject, decodePatch, readBody } from './decode.ts';
import { StatusError } from './status.ts';

function statusOf(fn: () => unknown): { code: number; message: string } | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return { code: err.code, message: err.status.message ?? '' };
    throw err;
  }
  return undefined;
}

const body = (s: string) => Buffer.from(s);

describe('request bodies', () => {
  it('decodes JSON and YAML objects', () => {
    expect(decodeObject('application/json; charset=utf-8', body('{"kind":"ConfigMap"}')).object).toEqual({
      kind: 'ConfigMap',
    });
    expect(decodeObject('application/yaml', body('kind: ConfigMap\ndata:\n  a: "1"\n')).object).toEqual({
      kind: 'ConfigMap',
      data: { a: '1' },
    });
    expect(decodeObject(undefined, body('{}')).object).toEqual({});
  });

  it('reports repeated keys by path, the last value winning', () => {
    const { object, duplicateFields } = decodeObject('application/json', body('{"data":{"a":"1","a":"2"}}'));
    expect(object).toEqual({ data: { a: '2' } });
    expect(duplicateFields).toEqual(['data.a']);
  });

  it('answers 400 naming the problem for malformed documents', () => {
    const bad = statusOf(() => decodeObject('application/json', body('{"kind": ')));
    expect(bad?.code).toBe(400);
    expect(bad?.message).toMatch(/JSON/);
    expect(statusOf(() => decodeObject('application/yaml', body('a: [1, 2')))?.code).toBe(400);
    expect(statusOf(() => decodeObject('application/json', body('[1,2]')))?.code).toBe(400);
  });

  it('caps nesting depth and YAML aliases', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    expect(statusOf(() => decodeObject('application/json', body(`{"a":${deep}}`)))?.code).toBe(400);
    expect(statusOf(() => decodeObject('application/yaml', body(`a: ${deep}`)))?.code).toBe(400);
    expect(statusOf(() => decodeObject('application/yaml', body(`a: ${deep}`)))?.code).toBe(400);
    const laughs = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
    ].join('\n');
    expect(statusOf(() => decodeObject('application/yaml', body(laughs)))?.code).toBe(400);
  });

  it('answers 415 for media types it does not decode', () => {
    // Protobuf is read (kubectl's typed clients send it); a body without its envelope is malformed.
    expect(statusOf(() => decodeObject('application/vnd.kubernetes.protobuf', body('x')))?.code).toBe(400);
    expect(statusOf(() => decodeObject('text/plain', body('{}')))?.code).toBe(415);
    expect(statusOf(() => decodePatch('application/json', body('{}')))?.code).toBe(415);
  });

  it('names the patch type by media type', () => {
    expect(decodePatch('application/merge-patch+json', body('{"a":1}'))).toMatchObject({
      type: 'merge',
      patch: { a: 1 },
    });
    expect(decodePatch('application/json-patch+json', body('[{"op":"remove","path":"/a"}]')).type).toBe(
      'json',
    );
    expect(decodePatch('application/strategic-merge-patch+json', body('{}')).type).toBe('strategic');
    expect(decodePatch('application/apply-patch+yaml', body('kind: ConfigMap')).type).toBe('apply');
    expect(statusOf(() => decodePatch('application/json-patch+json', body('{}')))?.code).toBe(400);
  });

  it('stops reading at the size limit with 413', async () => {
    const req = Readable.from([Buffer.alloc(600), Buffer.alloc(600)]) as unknown as IncomingMessage;
    req.headers = {};
    await expect(readBody(req, 1000)).rejects.toMatchObject({ code: 413 });
    const declared = Readable.from([]) as unknown as IncomingMessage;
    declared.headers = { 'content-length': '5000' };
    await expect(readBody(declared, 1000)).rejects.toMatchObject({ code: 413 });
    const ok = Readable.from([Buffer.from('{}')]) as unknown as IncomingMessage;
    ok.headers = {};
    expect((await readBody(ok, 1000)).toString()).toBe('{}');
  });
});
