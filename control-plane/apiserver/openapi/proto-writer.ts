// A minimal protobuf (proto3 wire format) writer: just the field kinds the OpenAPI v2 document
// needs (strings, bools, nested messages). Proto3 leaves default values (empty string, false)
// off the wire, so the writers skip them unless a oneof needs the value present.
const VARINT = 0;
const LENGTH_DELIMITED = 2;

export class ProtoWriter {
  /** Chunks of the message being written; a nested message gets its own list until it ends. */
  private stack: Buffer[][] = [[]];

  string(field: number, value: string | undefined): void {
    if (!value) return;
    this.bytes(field, Buffer.from(value, 'utf8'));
  }

  strings(field: number, values: readonly string[] | undefined): void {
    // Repeated strings keep empty ones: their position is part of the value.
    for (const v of values ?? []) this.bytes(field, Buffer.from(v, 'utf8'));
  }

  bool(field: number, value: boolean | undefined, evenIfFalse = false): void {
    if (value === undefined || (!value && !evenIfFalse)) return;
    this.push(Buffer.from([...varint((field << 3) | VARINT), value ? 1 : 0]));
  }

  /** A nested message: whatever `body` writes becomes field `field`'s (always present) value. */
  message(field: number, body: () => void): void {
    this.stack.push([]);
    body();
    const inner = Buffer.concat(this.stack.pop()!);
    this.bytes(field, inner);
  }

  finish(): Buffer {
    return Buffer.concat(this.stack[0]!);
  }

  private bytes(field: number, value: Buffer): void {
    this.push(Buffer.from([...varint((field << 3) | LENGTH_DELIMITED), ...varint(value.length)]));
    this.push(value);
  }

  private push(chunk: Buffer): void {
    this.stack[this.stack.length - 1]!.push(chunk);
  }
}

/** Base-128 varint of a non-negative integer below 2^53 (tags and lengths). */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}
