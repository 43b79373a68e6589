// The protobuf wire format, read-only: tags, varints, fixed-width numbers and length-delimited
// bytes (https://protobuf.dev/programming-guides/encoding/). Runs in the browser too, so it
// works on Uint8Array and never on Buffer. Every read is bounds-checked: request bodies are
// untrusted, and a truncated or lying length must become a clear error, not garbage.

export const WireType = {
  varint: 0,
  fixed64: 1,
  bytes: 2,
  fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

const wireTypeNames: Record<number, string> = {
  0: 'varint',
  1: 'fixed64',
  2: 'length-delimited',
  3: 'start-group',
  4: 'end-group',
  5: 'fixed32',
};

export function wireTypeName(t: number): string {
  return wireTypeNames[t] ?? `wire type ${t}`;
}

/** The body is not well-formed protobuf. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

export interface Tag {
  field: number;
  wireType: WireType;
}

/** Field numbers are 29 bits; 0 is never valid. */
const maxFieldNumber = 2 ** 29 - 1;

export class WireReader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  /** True when every byte of this message has been read. */
  get done(): boolean {
    return this.pos >= this.end;
  }

  get offset(): number {
    return this.pos;
  }

  tag(): Tag {
    const at = this.pos;
    const v = this.varint();
    const field = Number(v >> 3n);
    const wireType = Number(v & 7n);
    if (field < 1 || field > maxFieldNumber)
      throw new WireError(`invalid field number ${field} at byte ${at}`);
    // Groups (3, 4) are a proto2 relic no Kubernetes message uses; 6 and 7 do not exist.
    if (wireType !== 0 && wireType !== 1 && wireType !== 2 && wireType !== 5)
      throw new WireError(`unsupported ${wireTypeName(wireType)} for field ${field} at byte ${at}`);
    return { field, wireType: wireType as WireType };
  }

  /** An unsigned varint of up to 64 bits. */
  varint(): bigint {
    // Numbers stay exact up to 2^53, so the first 7 bytes (49 bits) are summed as numbers and
    // only longer varints (negative int32/int64, huge values) switch to bigint.
    let small = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError(`truncated varint at byte ${this.pos}`);
      const b = this.buf[this.pos++]!;
      if (shift < 49) {
        small += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) return BigInt(small);
      } else {
        return this.varintTail(BigInt(small), shift, b, i);
      }
      shift += 7;
    }
    throw new WireError(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  private varintTail(acc: bigint, shift: number, first: number, index: number): bigint {
    let b = first;
    for (let i = index; ; i++) {
      acc |= BigInt(b & 0x7f) << BigInt(shift);
      if (b < 0x80) return BigInt.asUintN(64, acc);
      if (i >= 9) throw new WireError(`varint longer than 10 bytes at byte ${this.pos}`);
      if (this.pos >= this.end) throw new WireError(`truncated varint at byte ${this.pos}`);
      b = this.buf[this.pos++]!;
      shift += 7;
    }
  }

  /** A length that must fit in what is left of this message. */
  private length(): number {
    const at = this.pos;
    const n = this.varint();
    if (n > BigInt(this.end - this.pos))
      throw new WireError(`length ${n} at byte ${at} runs past the end of the message`);
    return Number(n);
  }

  /** Length-delimited bytes: a view into the buffer, not a copy. */
  bytes(): Uint8Array {
    const n = this.length();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A reader over one length-delimited field (a nested message or a packed list). */
  sub(): WireReader {
    const n = this.length();
    const r = new WireReader(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }

  private take(n: number): DataView {
    if (this.end - this.pos < n) throw new WireError(`truncated ${n}-byte value at byte ${this.pos}`);
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, n);
    this.pos += n;
    return view;
  }

  fixed32(): number {
    return this.take(4).getUint32(0, true);
  }

  fixed64(): bigint {
    return this.take(8).getBigUint64(0, true);
  }

  float(): number {
    return this.take(4).getFloat32(0, true);
  }

  double(): number {
    return this.take(8).getFloat64(0, true);
  }

  /** Step over a value of the given wire type. */
  skip(wireType: WireType): void {
    switch (wireType) {
      case WireType.varint:
        this.varint();
        return;
      case WireType.fixed64:
        this.take(8);
        return;
      case WireType.bytes: {
        const n = this.length(); // before reading pos: length() moves it
        this.pos += n;
        return;
      }
      case WireType.fixed32:
        this.take(4);
        return;
    }
  }
}
