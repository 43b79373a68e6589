// Protobuf message bytes -> the JSON object Go's encoding/json would write for the same Go
// struct, driven by the tables in schemas/. The rules that make the two agree: embedded
// structs merge into their parent, non-pointer scalars at their zero value are dropped unless
// the JSON field lacks omitempty (gogo writes them either way), pointers are kept even at
// zero, and messages are always kept (Go keeps structs). Unknown fields are refused, never
// skipped: dropping data a client sent would be worse than telling it we cannot read it.
import { ProtobufError } from './errors.ts';
import { InvalidStringError, isPackable, readScalar, scalarWireType, scalarZero } from './scalars.ts';
import {
  isScalar,
  type CompiledSchemas,
  type FieldSpec,
  type MessageSpec,
  type ScalarType,
} from './schema.ts';
import { wellKnownDecoders } from './well-known.ts';
import { WireReader, WireType, wireTypeName, type Tag } from './wire.ts';

type JSONObject = Record<string, unknown>;

export interface MessageDecoderOptions {
  /** Decode a `k8s\0`-framed object nested in a RawExtension (depth is the nesting so far). */
  decodeEmbedded(bytes: Uint8Array, depth: number): unknown;
}

/** How deep RawExtensions may nest protobuf objects inside each other. */
const maxEmbeddingDepth = 8;

export class MessageDecoder {
  constructor(
    private readonly schemas: CompiledSchemas,
    private readonly options: MessageDecoderOptions,
  ) {}

  /** Decode the fields of message `name` (qualified: `appsv1.Deployment`) into a new object. */
  decode(name: string, bytes: Uint8Array, depth = 0): JSONObject {
    const msg = this.message(name);
    const out: JSONObject = {};
    this.decodeInto(out, msg, new WireReader(bytes), '', depth);
    return out;
  }

  private message(name: string): MessageSpec {
    const msg = this.schemas.messages.get(name);
    if (!msg) throw new Error(`no protobuf schema for message ${name}`);
    return msg;
  }

  private decodeInto(target: JSONObject, msg: MessageSpec, r: WireReader, path: string, depth: number): void {
    while (!r.done) {
      const tag = r.tag();
      const field = msg.fields.get(tag.field);
      if (!field)
        throw new ProtobufError(
          'unknown-field',
          `unknown field number ${tag.field} in message ${msg.displayName} at ${path || 'the top level'}`,
        );
      const where = field.inline ? path : join(path, field.json);
      switch (field.cardinality) {
        case 'single':
          this.single(target, msg, field, tag, r, where, depth);
          break;
        case 'repeated':
          this.repeated(target, msg, field, tag, r, where, depth);
          break;
        case 'map':
          this.mapEntry(target, msg, field, tag, r, where, depth);
          break;
      }
    }
  }

  private single(
    target: JSONObject,
    msg: MessageSpec,
    field: FieldSpec,
    tag: Tag,
    r: WireReader,
    where: string,
    depth: number,
  ): void {
    if (isScalar(field.type)) {
      expectWireType(msg, tag, scalarWireType[field.type], where);
      const v = this.scalar(r, field.type, where);
      // Last value wins; a zero that Go would omit removes an earlier value too.
      if (!field.keepZero && v === scalarZero(field.type)) delete target[field.json];
      else target[field.json] = v;
      return;
    }
    expectWireType(msg, tag, WireType.bytes, where);
    if (field.inline) {
      this.decodeInto(target, this.message(field.type), r.sub(), where, depth);
      return;
    }
    // A message field seen twice merges, as protobuf (and gogo's Unmarshal) does.
    const existing = target[field.json];
    target[field.json] = this.messageValue(field.type, r.bytes(), where, depth, existing);
  }

  private repeated(
    target: JSONObject,
    msg: MessageSpec,
    field: FieldSpec,
    tag: Tag,
    r: WireReader,
    where: string,
    depth: number,
  ): void {
    const list = (Array.isArray(target[field.json]) ? target[field.json] : []) as unknown[];
    target[field.json] = list;
    if (isScalar(field.type)) {
      if (tag.wireType === WireType.bytes && isPackable(field.type)) {
        const packed = r.sub();
        while (!packed.done) list.push(this.scalar(packed, field.type, `${where}[${list.length}]`));
        return;
      }
      expectWireType(msg, tag, scalarWireType[field.type], where);
      list.push(this.scalar(r, field.type, `${where}[${list.length}]`));
      return;
    }
    expectWireType(msg, tag, WireType.bytes, where);
    list.push(this.messageValue(field.type, r.bytes(), `${where}[${list.length}]`, depth));
  }

  /** A map entry is a message { key = 1; value = 2 }; either may be absent and means zero. */
  private mapEntry(
    target: JSONObject,
    msg: MessageSpec,
    field: FieldSpec,
    tag: Tag,
    r: WireReader,
    where: string,
    depth: number,
  ): void {
    expectWireType(msg, tag, WireType.bytes, where);
    const entry = r.sub();
    const keyType = field.mapKey!;
    let key: string | number | boolean = scalarZero(keyType);
    let value: unknown;
    let valueSeen = false;
    while (!entry.done) {
      const t = entry.tag();
      if (t.field === 1) {
        if (t.wireType !== scalarWireType[keyType])
          throw wrongWireType(msg, t, scalarWireType[keyType], where);
        key = this.scalar(entry, keyType, where);
      } else if (t.field === 2) {
        valueSeen = true;
        if (isScalar(field.type)) {
          if (t.wireType !== scalarWireType[field.type])
            throw wrongWireType(msg, t, scalarWireType[field.type], where);
          value = this.scalar(entry, field.type, where);
        } else {
          if (t.wireType !== WireType.bytes) throw wrongWireType(msg, t, WireType.bytes, where);
          value = this.messageValue(field.type, entry.bytes(), where, depth);
        }
      } else {
        throw new ProtobufError(
          'unknown-field',
          `unknown field number ${t.field} in a map entry of ${msg.displayName}.${field.json} at ${where}`,
        );
      }
    }
    if (!valueSeen)
      value = isScalar(field.type)
        ? scalarZero(field.type)
        : this.messageValue(field.type, new Uint8Array(0), where, depth);
    const map = (isObject(target[field.json]) ? target[field.json] : {}) as JSONObject;
    target[field.json] = map;
    map[String(key)] = value;
  }

  /** A nested message's JSON value: well-known types by their own decoder, others as objects. */
  private messageValue(
    type: string,
    bytes: Uint8Array,
    where: string,
    depth: number,
    existing?: unknown,
  ): unknown {
    const wellKnown = wellKnownDecoders.get(type);
    if (wellKnown) {
      return wellKnown(bytes, {
        path: where,
        decodeEmbedded: (bytes) => {
          if (depth >= maxEmbeddingDepth)
            throw new ProtobufError('invalid-value', `objects nest too deeply at ${where}`);
          return this.options.decodeEmbedded(bytes, depth + 1);
        },
      });
    }
    const obj = isObject(existing) ? existing : {};
    this.decodeInto(obj, this.message(type), new WireReader(bytes), where, depth);
    return obj;
  }

  private scalar(r: WireReader, type: ScalarType, where: string): string | number | boolean {
    try {
      return readScalar(r, type);
    } catch (err) {
      if (err instanceof InvalidStringError)
        throw new ProtobufError('malformed', `the string at ${where} is not valid UTF-8`);
      throw err;
    }
  }
}

function isObject(v: unknown): v is JSONObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function expectWireType(msg: MessageSpec, tag: Tag, expected: WireType, where: string): void {
  if (tag.wireType !== expected) throw wrongWireType(msg, tag, expected, where);
}

function wrongWireType(msg: MessageSpec, tag: Tag, expected: WireType, where: string) {
  return new ProtobufError(
    'malformed',
    `field ${tag.field} of message ${msg.displayName} (${where || 'the top level'}) is ${wireTypeName(tag.wireType)}, expected ${wireTypeName(expected)}`,
  );
}
