import { describe, expect, it } from 'vitest';
import * as w from '../../api/protobuf/testing/writer.ts';
import { decodeObject } from './decode.ts';
import { StatusError } from './status.ts';

const protobuf = 'application/vnd.kubernetes.protobuf';
const body = (apiVersion: string, kind: string, ...fields: w.Field[]) =>
  Buffer.from(w.envelope(apiVersion, kind, w.fields(...fields)));

function statusOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err.status;
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('protobuf request bodies', () => {
  it('decode to the object a JSON body would carry', () => {
    const { object, duplicateFields } = decodeObject(
      protobuf,
      body('v1', 'ConfigMap', w.message(1, w.string(1, 'cm')), w.mapEntry(2, 'a', 'b')),
    );
    expect(object).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm' },
      data: { a: 'b' },
    });
    expect(duplicateFields).toEqual([]);
  });

  it('answer 415 for a kind we cannot read as protobuf, pointing at JSON', () => {
    const status = statusOf(() => decodeObject(protobuf, body('stable.example.com/v1', 'CronTab')));
    expect(status).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    expect(status.message).toMatch(/CronTab .* not supported in protobuf .* application\/json/);
  });

  it('answer 400 for unknown fields and broken bodies', () => {
    const unknown = statusOf(() => decodeObject(protobuf, body('v1', 'ConfigMap', w.varint(42, 1))));
    expect(unknown).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(unknown.message).toContain('unknown field number 42 in message v1 ConfigMap');
    const broken = statusOf(() => decodeObject(protobuf, Buffer.from('k8s\0\x0a\x7f')));
    expect(broken).toMatchObject({ code: 400 });
  });
});
