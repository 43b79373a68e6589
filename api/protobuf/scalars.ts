// Scalar values off the wire, typed by the schema: which wire type each scalar travels as, how
// a raw value becomes its JSON form, and which values are the Go zero value.
import { bytesToBase64 } from './base64.ts';
import type { ScalarType } from './schema.ts';
import { WireType, type WireReader } from './wire.ts';

export const scalarWireType: Record<ScalarType, WireType> = {
  string: WireType.bytes,
  bytes: WireType.bytes,
  bool: WireType.varint,
  int32: WireType.varint,
  int64: WireType.varint,
  uint32: WireType.varint,
  uint64: WireType.varint,
  double: WireType.fixed64,
  float: WireType.fixed32,
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Raised for bytes that are not UTF-8 in a string field; the caller adds where. */
export class InvalidStringError extends Error {}

/**
 * Read one scalar. Integers become JSON numbers like Go's encoding/json writes them (int64
 * beyond 2^53 loses precision exactly as a JavaScript JSON.parse of the same body would);
 * bytes become base64, as []byte is in JSON.
 */
export function readScalar(r: WireReader, type: ScalarType): string | number | boolean {
  switch (type) {
    case 'string':
      try {
        return utf8.decode(r.bytes());
      } catch {
        throw new InvalidStringError('a string field is not valid UTF-8');
      }
    case 'bytes':
      return bytesToBase64(r.bytes());
    case 'bool':
      return r.varint() !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, r.varint()));
    case 'int64':
      return Number(BigInt.asIntN(64, r.varint()));
    case 'uint32':
      return Number(BigInt.asUintN(32, r.varint()));
    case 'uint64':
      return Number(r.varint());
    case 'double':
      return r.double();
    case 'float':
      return r.float();
  }
}

/** The Go zero value of a scalar, as it looks in JSON. */
export function scalarZero(type: ScalarType): string | number | boolean {
  if (type === 'string' || type === 'bytes') return '';
  if (type === 'bool') return false;
  return 0;
}

/** Numeric scalars may also arrive packed (one length-delimited run of values). */
export function isPackable(type: ScalarType): boolean {
  return type !== 'string' && type !== 'bytes';
}
