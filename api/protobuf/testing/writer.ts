// A minimal protobuf writer for tests: builds messages field by field, the way gogo-generated
// Marshal code lays them out, so decoder tests can state their input readably. Not used by the
// server, which only ever decodes.

export type Field = Uint8Array;

function varintBytes(v: bigint): number[] {
  let u = BigInt.asUintN(64, v);
  const out: number[] = [];
  while (u >= 0x80n) {
    out.push(Number(u & 0x7fn) | 0x80);
    u >>= 7n;
  }
  out.push(Number(u));
  return out;
}

function concat(parts: (Uint8Array | number[])[]): Uint8Array {
  const size = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const tag = (field: number, wireType: number) => varintBytes(BigInt(field * 8 + wireType));

/** A varint field (int32, int64, bool, uint64); negative numbers take 10 bytes, as in Go. */
export const varint = (field: number, v: number | bigint | boolean): Field =>
  concat([tag(field, 0), varintBytes(typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v))]);

/** A length-delimited field holding raw bytes. */
export const bytes = (field: number, b: Uint8Array): Field =>
  concat([tag(field, 2), varintBytes(BigInt(b.length)), b]);

/** A string field (UTF-8). */
export const string = (field: number, s: string): Field => bytes(field, new TextEncoder().encode(s));

/** A nested message field. */
export const message = (field: number, ...fields: Field[]): Field => bytes(field, concat(fields));

/** A map entry: { key = 1, value = 2 } with a string key and a string or message value. */
export const mapEntry = (field: number, key: string, value: string | Field[]): Field =>
  message(field, string(1, key), typeof value === 'string' ? string(2, value) : message(2, ...value));

/** A packed run of varints. */
export const packed = (field: number, values: number[]): Field =>
  bytes(field, concat(values.map((v) => varintBytes(BigInt(v)))));

export const fixed64 = (field: number, v: number): Field => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return concat([tag(field, 1), b]);
};

export const fixed32 = (field: number, v: number): Field => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return concat([tag(field, 5), b]);
};

/** Fields laid end to end: a message body. */
export const fields = (...parts: Field[]): Uint8Array => concat(parts);

/** A whole request body: `k8s\0` + runtime.Unknown { typeMeta, raw, contentEncoding?, contentType? }. */
export function envelope(
  apiVersion: string,
  kind: string,
  raw: Uint8Array,
  contentEncoding = '',
): Uint8Array {
  return concat([
    [0x6b, 0x38, 0x73, 0x00],
    message(1, string(1, apiVersion), string(2, kind)),
    bytes(2, raw),
    ...(contentEncoding ? [string(3, contentEncoding)] : []),
    string(4, ''),
  ]);
}
