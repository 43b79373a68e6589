import { describe, expect, it } from 'vitest';
import { formatGoDuration, wellKnownDecoders } from './well-known.ts';
import * as w from './testing/writer.ts';

const ctx = { path: 'x', decodeEmbedded: () => 'embedded' };
const decodeAs = (name: string, ...fields: w.Field[]) =>
  wellKnownDecoders.get(name)!(w.fields(...fields), ctx);

describe('formatGoDuration', () => {
  it.each([
    [0n, '0s'],
    [1n, '1ns'],
    [1_500n, '1.5µs'],
    [250_000_000n, '250ms'],
    [1_000_000_000n, '1s'],
    [1_500_000_000n, '1.5s'],
    [120_000_000_000n, '2m0s'],
    [5_400_000_000_000n, '1h30m0s'],
    [3_600_000_000_001n, '1h0m0.000000001s'],
    [-3_000_000_000n, '-3s'],
  ])('%s ns is %s', (nanos, text) => {
    expect(formatGoDuration(nanos)).toBe(text);
  });
});

describe('well-known messages', () => {
  it('writes Time with whole seconds (upstream drops nanos) and the zero time as null', () => {
    expect(decodeAs('metav1.Time')).toBeNull();
    expect(decodeAs('metav1.Time', w.varint(1, 0))).toBe('1970-01-01T00:00:00Z');
    expect(decodeAs('metav1.Time', w.varint(1, 86_400), w.varint(2, 5))).toBe('1970-01-02T00:00:00Z');
    expect(() => decodeAs('metav1.Time', w.varint(1, 1e12))).toThrow(/outside the years/);
  });

  it('writes IntOrString by its type', () => {
    expect(decodeAs('intstr.IntOrString', w.varint(1, 0), w.varint(2, -1))).toBe(-1);
    expect(decodeAs('intstr.IntOrString', w.varint(1, 1), w.string(3, '25%'))).toBe('25%');
    expect(() => decodeAs('intstr.IntOrString', w.varint(1, 7))).toThrow(/unknown type 7/);
  });

  it('writes Duration, ExtraValue and FieldsV1 as their JSON forms', () => {
    expect(decodeAs('metav1.Duration', w.varint(1, 90_000_000_000))).toBe('1m30s');
    expect(decodeAs('authenticationv1.ExtraValue', w.string(1, 'a'), w.string(1, 'b'))).toEqual(['a', 'b']);
    expect(decodeAs('metav1.FieldsV1', w.string(1, '{"f:metadata":{}}'))).toEqual({ 'f:metadata': {} });
    expect(decodeAs('runtime.RawExtension')).toBeNull();
  });

  it('hands a RawExtension holding a framed protobuf object to the embedded decoder', () => {
    expect(decodeAs('runtime.RawExtension', w.bytes(1, w.envelope('v1', 'Pod', new Uint8Array(0))))).toBe(
      'embedded',
    );
  });

  it('refuses unknown fields in well-known messages too', () => {
    expect(() => decodeAs('resource.Quantity', w.varint(2, 1))).toThrow(
      'unknown field number 2 in message resource.Quantity at x',
    );
  });
});
