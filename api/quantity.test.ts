import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Quantity,
  QuantityError,
  canonicalQuantity,
  compareQuantities,
  parseQuantity,
  toBytes,
  toMilli,
} from './quantity.ts';

const formatWrong =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

describe('quantities', () => {
  // Input -> the canonical form upstream's Quantity.String() prints.
  it.each([
    ['0', '0'],
    ['100m', '100m'],
    ['0.1', '100m'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['1', '1'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['2e3', '2e3'],
    ['1.5e3', '1500'],
    ['1E', '1E'],
    ['1000E', '1000E'],
    ['128Mi', '128Mi'],
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['1Ki', '1Ki'],
    ['1025', '1025'],
    ['0.5Ki', '512'],
    ['1G', '1G'],
    ['1000M', '1G'],
    ['+1', '1'],
    ['-1', '-1'],
    ['-100m', '-100m'],
    ['1n', '1n'],
    ['0.0000000001', '1n'],
    ['1.5n', '2n'],
    ['1u', '1u'],
    ['1.G', '1G'],
    ['.5', '500m'],
    ['16Ei', '9223372036854775807'],
  ])('%s is %s', (input, canonical) => {
    expect(parseQuantity(input).toString()).toBe(canonical);
  });

  it.each([
    ['', formatWrong],
    ['abc', formatWrong],
    ['1 Gi', formatWrong],
    ['1Gb', formatWrong],
    ['1X', formatWrong],
    ['1e', "unable to parse quantity's suffix"],
    ['1i', "unable to parse quantity's suffix"],
    ['1Mm', "unable to parse quantity's suffix"],
    ['.', 'unable to parse numeric part of quantity'],
    ['1e99999', 'unable to parse numeric part of quantity'],
  ])("refuses %j with upstream's message", (input, message) => {
    expect(() => parseQuantity(input)).toThrow(new QuantityError(message));
  });

  it('converts to milli-units and bytes, rounding up like upstream', () => {
    expect(toMilli('100m')).toBe(100);
    expect(toMilli('1.5')).toBe(1500);
    expect(toMilli('1n')).toBe(1);
    expect(toMilli(2)).toBe(2000);
    expect(toBytes('128Mi')).toBe(128 * 1024 * 1024);
    expect(toBytes('1G')).toBe(1e9);
    expect(toBytes('1.5')).toBe(2);
    expect(toBytes('100m')).toBe(1);
  });

  it('compares across formats and adds exactly', () => {
    expect(compareQuantities('1Gi', '1G')).toBe(1);
    expect(compareQuantities('1000m', '1')).toBe(0);
    expect(compareQuantities('-1', '1m')).toBe(-1);
    expect(compareQuantities('1e3', '1k')).toBe(0);
    expect(compareQuantities('1E', '1e17')).toBe(1);
    expect(parseQuantity('100m').add(parseQuantity('900m')).toString()).toBe('1');
    expect(parseQuantity('1Gi').add(parseQuantity('512Mi')).toString()).toBe('1536Mi');
    expect(parseQuantity('0').add(parseQuantity('1Ki')).toString()).toBe('1Ki');
    expect(parseQuantity('1').sub(parseQuantity('250m')).toString()).toBe('750m');
  });

  it('canonicalizes numbers given in JSON', () => {
    expect(canonicalQuantity(0.25)).toBe('250m');
    expect(canonicalQuantity(3)).toBe('3');
    expect(canonicalQuantity(1e21)).toBe('1e21');
  });

  it('rounds up to milli-units on request, as resource lists are defaulted', () => {
    expect(parseQuantity('100n').roundUp(-3).toString()).toBe('1m');
    expect(parseQuantity('1.0001').roundUp(-3).toString()).toBe('1001m');
    expect(parseQuantity('2Gi').roundUp(-3).toString()).toBe('2Gi');
  });

  const quantityText = fc
    .tuple(
      fc.boolean(),
      fc.stringMatching(/^[0-9]{1,12}$/),
      fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
      fc.constantFrom(
        '',
        'n',
        'u',
        'm',
        'k',
        'M',
        'G',
        'T',
        'P',
        'E',
        'Ki',
        'Mi',
        'Gi',
        'Ti',
        'Pi',
        'Ei',
        'e3',
        'e-2',
        'E6',
      ),
    )
    .map(
      ([neg, int, frac, suffix]) => `${neg ? '-' : ''}${int}${frac !== undefined ? `.${frac}` : ''}${suffix}`,
    );

  it('prints a canonical form that parses back to the same value and prints the same again', () => {
    fc.assert(
      fc.property(quantityText, (text) => {
        const q = parseQuantity(text);
        const again = parseQuantity(q.toString());
        expect(again.equals(q)).toBe(true);
        expect(again.toString()).toBe(q.toString());
      }),
    );
  });

  it('orders values like their numbers do', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: -1e9, max: 1e9 }), (a, b) => {
        const qa = Quantity.fromMilli(a);
        const qb = Quantity.fromMilli(b);
        expect(qa.cmp(qb)).toBe(Math.sign(a - b));
        expect(qa.add(qb).milliValue()).toBe(a + b);
      }),
    );
  });
});
