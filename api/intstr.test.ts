import { describe, expect, it } from 'vitest';
import { IntOrStringError, scaledValueFromIntOrPercent } from './intstr.ts';

describe('IntOrString', () => {
  it.each([
    [1, 10, true, 1],
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['100%', 3, false, 3],
    ['0%', 5, true, 0],
    ['33%', 100, true, 33],
    ['50%', 1, true, 1],
    ['50%', 1, false, 0],
  ])('%j of %i (roundUp %s) is %i, like maxSurge/maxUnavailable', (v, total, roundUp, want) => {
    expect(scaledValueFromIntOrPercent(v, total, roundUp)).toBe(want);
  });

  it('explains values that are neither an int nor a percentage', () => {
    expect(() => scaledValueFromIntOrPercent('25', 10, true)).toThrow(
      new IntOrStringError('invalid value for IntOrString: invalid type: string is not a percentage'),
    );
    expect(() => scaledValueFromIntOrPercent('x%', 10, true)).toThrow(
      /invalid value for IntOrString: invalid value "x%"/,
    );
    expect(() => scaledValueFromIntOrPercent(undefined, 10, true)).toThrow('nil value for IntOrString');
  });
});
