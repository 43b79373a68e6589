// The frame around every Kubernetes protobuf body (apimachinery runtime/serializer/protobuf):
// the magic bytes `k8s\0`, then a runtime.Unknown message that names the object's type and
// carries the object's own encoding in `raw`.
import { ProtobufError } from './errors.ts';
import { WireError, WireReader, WireType, wireTypeName } from './wire.ts';

export const protobufMagic = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

export interface Envelope {
  apiVersion: string;
  kind: string;
  /** The object, encoded with its own message (apps/v1 Deployment, ...). */
  raw: Uint8Array;
  /** Always empty from real clients; anything else would mean `raw` is compressed or wrapped. */
  contentEncoding: string;
  contentType: string;
}

export function hasProtobufMagic(body: Uint8Array): boolean {
  return body.length >= protobufMagic.length && protobufMagic.every((b, i) => body[i] === b);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ProtobufError('malformed', `${what} is not valid UTF-8`);
  }
}

/** runtime.Unknown { TypeMeta typeMeta = 1 { apiVersion = 1, kind = 2 }, raw = 2, contentEncoding = 3, contentType = 4 }. */
export function readEnvelope(body: Uint8Array): Envelope {
  if (!hasProtobufMagic(body))
    throw new ProtobufError(
      'malformed',
      'the body does not start with the Kubernetes protobuf prefix "k8s\\x00"',
    );
  const out: Envelope = {
    apiVersion: '',
    kind: '',
    raw: new Uint8Array(0),
    contentEncoding: '',
    contentType: '',
  };
  try {
    const r = new WireReader(body, protobufMagic.length);
    while (!r.done) {
      const { field, wireType } = r.tag();
      if (field < 1 || field > 4)
        throw new ProtobufError('unknown-field', `unknown field number ${field} in message runtime.Unknown`);
      if (wireType !== WireType.bytes)
        throw new ProtobufError(
          'malformed',
          `field ${field} of runtime.Unknown is ${wireTypeName(wireType)}, expected length-delimited`,
        );
      if (field === 1) readTypeMeta(r.sub(), out);
      else if (field === 2) out.raw = r.bytes();
      else if (field === 3) out.contentEncoding = text(r.bytes(), 'runtime.Unknown contentEncoding');
      else out.contentType = text(r.bytes(), 'runtime.Unknown contentType');
    }
  } catch (err) {
    if (err instanceof WireError) throw new ProtobufError('malformed', `runtime.Unknown: ${err.message}`);
    throw err;
  }
  return out;
}

function readTypeMeta(r: WireReader, out: Envelope): void {
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field !== 1 && field !== 2)
      throw new ProtobufError('unknown-field', `unknown field number ${field} in message runtime.TypeMeta`);
    if (wireType !== WireType.bytes)
      throw new ProtobufError(
        'malformed',
        `field ${field} of runtime.TypeMeta is ${wireTypeName(wireType)}, expected length-delimited`,
      );
    const value = text(r.bytes(), field === 1 ? 'apiVersion' : 'kind');
    if (field === 1) out.apiVersion = value;
    else out.kind = value;
  }
}
