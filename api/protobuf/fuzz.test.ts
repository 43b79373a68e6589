// Untrusted bodies: whatever the bytes, decoding either returns an object or throws a
// ProtobufError (a 400/415 for the client), never a crash, a hang or some other exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeProtobufObject, ProtobufError } from './index.ts';
import * as w from './testing/writer.ts';

function decodesOrRefuses(body: Uint8Array): boolean {
  try {
    const obj = decodeProtobufObject(body);
    return typeof obj === 'object' && obj !== null;
  } catch (err) {
    if (err instanceof ProtobufError) return true;
    throw err;
  }
}

const deployment = w.envelope(
  'apps/v1',
  'Deployment',
  w.fields(
    w.message(1, w.string(1, 'web'), w.mapEntry(11, 'app', 'web'), w.message(8)),
    w.message(
      2,
      w.varint(1, 3),
      w.message(2, w.mapEntry(1, 'app', 'web')),
      w.message(
        3,
        w.message(1, w.mapEntry(11, 'app', 'web')),
        w.message(2, w.message(2, w.string(1, 'nginx'), w.string(2, 'nginx'), w.message(6, w.varint(3, 80)))),
      ),
      w.message(
        4,
        w.string(1, 'RollingUpdate'),
        w.message(2, w.message(1, w.varint(1, 1), w.string(3, '25%'))),
      ),
    ),
    w.message(3),
  ),
);

describe('decoding arbitrary bytes', () => {
  it('decodes the intact sample', () => {
    expect(decodeProtobufObject(deployment)).toMatchObject({ kind: 'Deployment', spec: { replicas: 3 } });
  });

  it('refuses random bodies after the magic with a ProtobufError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (tail) => {
        const body = new Uint8Array(4 + tail.length);
        body.set([0x6b, 0x38, 0x73, 0x00]);
        body.set(tail, 4);
        return decodesOrRefuses(body);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a valid body with bytes flipped, cut or inserted with a ProtobufError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(deployment.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(deployment.length),
        fc.boolean(),
        (flips, cut, insert) => {
          let body = Uint8Array.from(deployment);
          for (const [at, value] of flips) body[at] = value;
          if (insert) body = Uint8Array.from([...body.subarray(0, cut), 0x08, ...body.subarray(cut)]);
          else body = body.subarray(0, cut);
          return decodesOrRefuses(body);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
