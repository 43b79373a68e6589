import { describe, expect, it } from 'vitest';
import * as w from './testing/writer.ts';
import { WireError, WireReader, WireType } from './wire.ts';

const reader = (...bytes: number[]) => new WireReader(Uint8Array.from(bytes));

describe('WireReader', () => {
  it('reads one-byte and multi-byte varints', () => {
    expect(reader(0x00).varint()).toBe(0n);
    expect(reader(0x7f).varint()).toBe(127n);
    expect(reader(0xac, 0x02).varint()).toBe(300n);
  });

  it('reads varints past 2^53 exactly', () => {
    const r = new WireReader(w.varint(1, 2n ** 63n + 5n));
    r.tag();
    expect(r.varint()).toBe(2n ** 63n + 5n);
  });

  it('reads a negative int32 as Go writes it: ten bytes of two’s complement', () => {
    const r = new WireReader(w.varint(1, -1));
    expect(r.tag()).toEqual({ field: 1, wireType: WireType.varint });
    expect(BigInt.asIntN(32, r.varint())).toBe(-1n);
    expect(r.done).toBe(true);
  });

  it('splits tags into field number and wire type', () => {
    const r = new WireReader(w.fields(w.string(17, 'x'), w.varint(2, 1)));
    expect(r.tag()).toEqual({ field: 17, wireType: WireType.bytes });
    expect(new TextDecoder().decode(r.bytes())).toBe('x');
    expect(r.tag()).toEqual({ field: 2, wireType: WireType.varint });
    expect(r.varint()).toBe(1n);
    expect(r.done).toBe(true);
  });

  it('reads fixed-width numbers little-endian', () => {
    const r = new WireReader(w.fields(w.fixed64(1, 1.5), w.fixed32(2, 0xdeadbeef)));
    r.tag();
    expect(r.double()).toBe(1.5);
    r.tag();
    expect(r.fixed32()).toBe(0xdeadbeef);
  });

  it('skips values of every wire type', () => {
    const r = new WireReader(
      w.fields(w.varint(1, 300), w.fixed64(2, 1), w.string(3, 'abc'), w.fixed32(4, 1), w.varint(5, 7)),
    );
    for (let i = 0; i < 4; i++) r.skip(r.tag().wireType);
    expect(r.tag().field).toBe(5);
    expect(r.varint()).toBe(7n);
  });

  it('gives nested readers that stop at the end of their message', () => {
    const r = new WireReader(w.fields(w.message(1, w.varint(1, 5)), w.varint(2, 6)));
    r.tag();
    const inner = r.sub();
    inner.tag();
    expect(inner.varint()).toBe(5n);
    expect(inner.done).toBe(true);
    expect(r.tag().field).toBe(2);
  });

  it('refuses truncated and lying input with a WireError', () => {
    expect(() => reader(0x80).varint()).toThrow(WireError);
    expect(() => reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01).varint()).toThrow(
      /longer than 10 bytes/,
    );
    // A length of 5 with two bytes left.
    const lying = reader(0x0a, 0x05, 0x61, 0x62);
    lying.tag();
    expect(() => lying.bytes()).toThrow(/runs past the end/);
    const short = reader(0x09, 0x01, 0x02);
    short.tag();
    expect(() => short.fixed64()).toThrow(/truncated 8-byte value/);
  });

  it('refuses field number 0 and group wire types', () => {
    expect(() => reader(0x02).tag()).toThrow(/invalid field number 0/);
    expect(() => reader(0x0b).tag()).toThrow(/start-group/);
  });
});
