// Messages whose JSON form is not an object of their fields: apimachinery's Quantity,
// IntOrString, Time, MicroTime, Duration, RawExtension and FieldsV1, and the ExtraValue of
// user info (authentication, authorization, certificates). Each decoder mirrors that type's Go MarshalJSON.
import { decodeValue } from '../codec/index.ts';
import { ProtobufError } from './errors.ts';
import { WireReader, WireType, wireTypeName } from './wire.ts';

export interface WellKnownContext {
  /** Where the value sits, for messages: `spec.template.metadata.creationTimestamp`. */
  path: string;
  /** Decode a nested `k8s\0`-framed protobuf object (a RawExtension may hold one). */
  decodeEmbedded(bytes: Uint8Array): unknown;
}

type Decoder = (bytes: Uint8Array, ctx: WellKnownContext) => unknown;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Visit each field of a small fixed message, refusing unknown numbers and wrong wire types.
 * Later occurrences of a field overwrite earlier ones, as protobuf says.
 */
function eachField(
  bytes: Uint8Array,
  ctx: WellKnownContext,
  message: string,
  wireTypes: Record<number, WireType>,
  visit: (field: number, r: WireReader) => void,
): void {
  const r = new WireReader(bytes);
  while (!r.done) {
    const { field, wireType } = r.tag();
    const expected = wireTypes[field];
    if (expected === undefined)
      throw new ProtobufError(
        'unknown-field',
        `unknown field number ${field} in message ${message} at ${ctx.path || 'the top level'}`,
      );
    if (wireType !== expected)
      throw new ProtobufError(
        'malformed',
        `field ${field} of ${message} at ${ctx.path} is ${wireTypeName(wireType)}, expected ${wireTypeName(expected)}`,
      );
    visit(field, r);
  }
}

function text(r: WireReader, ctx: WellKnownContext): string {
  try {
    return utf8.decode(r.bytes());
  } catch {
    throw new ProtobufError('malformed', `a string at ${ctx.path} is not valid UTF-8`);
  }
}

/** resource.Quantity { string = 1 }: the JSON form is the string; Go's zero Quantity is "0". */
const quantity: Decoder = (bytes, ctx) => {
  let s = '';
  eachField(bytes, ctx, 'resource.Quantity', { 1: WireType.bytes }, (_, r) => (s = text(r, ctx)));
  return s === '' ? '0' : s;
};

/** intstr.IntOrString { type = 1, intVal = 2, strVal = 3 }: a number or a string by type. */
const intOrString: Decoder = (bytes, ctx) => {
  let type = 0n;
  let intVal = 0;
  let strVal = '';
  eachField(
    bytes,
    ctx,
    'intstr.IntOrString',
    { 1: WireType.varint, 2: WireType.varint, 3: WireType.bytes },
    (field, r) => {
      if (field === 1) type = r.varint();
      else if (field === 2) intVal = Number(BigInt.asIntN(32, r.varint()));
      else strVal = text(r, ctx);
    },
  );
  if (type === 0n) return intVal;
  if (type === 1n) return strVal;
  throw new ProtobufError('invalid-value', `IntOrString at ${ctx.path} has unknown type ${type}`);
};

interface Timestamp {
  seconds: number;
  nanos: number;
}

function timestamp(bytes: Uint8Array, ctx: WellKnownContext, message: string): Timestamp {
  const t = { seconds: 0, nanos: 0 };
  eachField(bytes, ctx, message, { 1: WireType.varint, 2: WireType.varint }, (field, r) => {
    if (field === 1) t.seconds = Number(BigInt.asIntN(64, r.varint()));
    else t.nanos = Number(BigInt.asIntN(32, r.varint()));
  });
  return t;
}

/** `YYYY-MM-DDTHH:MM:SS` in UTC, refusing years RFC 3339 cannot write (Go's MarshalJSON fails too). */
function utcSeconds(seconds: number, ctx: WellKnownContext): string {
  const d = new Date(seconds * 1000);
  const year = d.getUTCFullYear();
  if (!Number.isFinite(d.getTime()) || year < 0 || year > 9999)
    throw new ProtobufError('invalid-value', `time at ${ctx.path} is outside the years 0-9999`);
  return d.toISOString().slice(0, 19);
}

/**
 * metav1.Time: an empty message is the zero time, which Go writes as null (so a fresh object
 * has `creationTimestamp: null`, as kubectl's JSON does). Only seconds count: Time's JSON form
 * has no fraction and upstream's Unmarshal drops nanos for that reason.
 */
const time: Decoder = (bytes, ctx) => {
  if (bytes.length === 0) return null;
  return `${utcSeconds(timestamp(bytes, ctx, 'metav1.Time').seconds, ctx)}Z`;
};

/** metav1.MicroTime: like Time, with six fraction digits. */
const microTime: Decoder = (bytes, ctx) => {
  if (bytes.length === 0) return null;
  const { seconds, nanos } = timestamp(bytes, ctx, 'metav1.MicroTime');
  if (nanos < 0 || nanos > 999_999_999)
    throw new ProtobufError('invalid-value', `MicroTime at ${ctx.path} has nanos ${nanos} out of range`);
  const micros = String(Math.floor(nanos / 1000)).padStart(6, '0');
  return `${utcSeconds(seconds, ctx)}.${micros}Z`;
};

/** metav1.Duration { int64 duration = 1 } in nanoseconds, written like Go's time.Duration.String(). */
const duration: Decoder = (bytes, ctx) => {
  let nanos = 0n;
  eachField(bytes, ctx, 'metav1.Duration', { 1: WireType.varint }, (_, r) => {
    nanos = BigInt.asIntN(64, r.varint());
  });
  return formatGoDuration(nanos);
};

const magic = [0x6b, 0x38, 0x73, 0x00];

function rawJSON(raw: Uint8Array | undefined, ctx: WellKnownContext, message: string): unknown {
  // Go marshals a nil Raw as null; an empty one would not be valid JSON either.
  if (raw === undefined || raw.length === 0) return null;
  if (magic.every((b, i) => raw[i] === b)) return ctx.decodeEmbedded(raw);
  try {
    return decodeValue(raw, { format: 'json' }).value;
  } catch (err) {
    throw new ProtobufError(
      'invalid-value',
      `${message} at ${ctx.path} does not hold JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** runtime.RawExtension { bytes raw = 1 }: the raw bytes are the JSON value itself. */
const rawExtension: Decoder = (bytes, ctx) => {
  let raw: Uint8Array | undefined;
  eachField(bytes, ctx, 'runtime.RawExtension', { 1: WireType.bytes }, (_, r) => (raw = r.bytes()));
  return rawJSON(raw, ctx, 'RawExtension');
};

/** metav1.FieldsV1 { bytes Raw = 1 }: managedFields' field set, JSON in the raw bytes. */
const fieldsV1: Decoder = (bytes, ctx) => {
  let raw: Uint8Array | undefined;
  eachField(bytes, ctx, 'metav1.FieldsV1', { 1: WireType.bytes }, (_, r) => (raw = r.bytes()));
  return rawJSON(raw, ctx, 'FieldsV1');
};

/** ExtraValue { repeated string items = 1 } (user info extras): a []string in Go, so an array in JSON. */
const extraValue: Decoder = (bytes, ctx) => {
  const items: string[] = [];
  eachField(bytes, ctx, 'ExtraValue', { 1: WireType.bytes }, (_, r) => items.push(text(r, ctx)));
  return items;
};

export const wellKnownDecoders: ReadonlyMap<string, Decoder> = new Map([
  ['resource.Quantity', quantity],
  ['intstr.IntOrString', intOrString],
  ['metav1.Time', time],
  ['metav1.MicroTime', microTime],
  ['metav1.Duration', duration],
  ['runtime.RawExtension', rawExtension],
  ['metav1.FieldsV1', fieldsV1],
  ['authenticationv1.ExtraValue', extraValue],
  ['authorizationv1.ExtraValue', extraValue],
  ['certificatesv1.ExtraValue', extraValue],
]);

const second = 1_000_000_000n;

/** `v / 10^digits` with the fraction's trailing zeros trimmed: (1500, 3) -> "1.5". */
function withFraction(v: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const whole = v / scale;
  const frac = (v % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}

/** Go's time.Duration.String(): "0s", "1.5s", "2m0s", "1h30m0s", "250ms", "1µs", "-3s". */
export function formatGoDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const sign = nanos < 0n ? '-' : '';
  const u = nanos < 0n ? -nanos : nanos;
  if (u < second) {
    if (u < 1_000n) return `${sign}${u}ns`;
    if (u < 1_000_000n) return `${sign}${withFraction(u, 3)}µs`;
    return `${sign}${withFraction(u, 6)}ms`;
  }
  const totalSeconds = u / second;
  const hours = totalSeconds / 3600n;
  const minutes = (totalSeconds / 60n) % 60n;
  const secs = withFraction(u % (60n * second), 9);
  const h = hours > 0n ? `${hours}h` : '';
  const m = hours > 0n || minutes > 0n ? `${minutes}m` : '';
  return `${sign}${h}${m}${secs}s`;
}
