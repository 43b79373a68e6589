// IntOrString (k8s.io/apimachinery/pkg/util/intstr): a field that holds either an integer or a
// string, such as a port (`8080` or `http`) or a rollout budget (`1` or `25%`).

/** An integer or a string; on the wire a JSON number or a JSON string. */
export type IntOrString = number | string;

/** Why an IntOrString could not be used as a number or percentage; message like upstream's. */
export class IntOrStringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntOrStringError';
  }
}

/** The value and whether it was a percentage (`25%` -> [25, true]); like getIntOrPercentValueSafely. */
export function intOrPercentValue(v: IntOrString): [value: number, isPercent: boolean] {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new IntOrStringError('invalid type: neither int nor percentage');
    return [v, false];
  }
  if (typeof v !== 'string') throw new IntOrStringError('invalid type: neither int nor percentage');
  if (!v.endsWith('%')) throw new IntOrStringError('invalid type: string is not a percentage');
  const digits = v.slice(0, -1);
  if (!/^[+-]?[0-9]+$/.test(digits)) {
    throw new IntOrStringError(
      `invalid value ${JSON.stringify(v)}: strconv.Atoi: parsing ${JSON.stringify(digits)}: invalid syntax`,
    );
  }
  return [Number(digits), true];
}

/**
 * Resolve an int or a percentage of `total`, like upstream's GetScaledValueFromIntOrPercent:
 * `25%` of 10 is 3 rounding up (maxSurge) and 2 rounding down (maxUnavailable).
 */
export function scaledValueFromIntOrPercent(
  v: IntOrString | undefined,
  total: number,
  roundUp: boolean,
): number {
  if (v === undefined || v === null) throw new IntOrStringError('nil value for IntOrString');
  let value: number;
  let isPercent: boolean;
  try {
    [value, isPercent] = intOrPercentValue(v);
  } catch (err) {
    throw new IntOrStringError(`invalid value for IntOrString: ${(err as Error).message}`);
  }
  if (!isPercent) return value;
  const scaled = (value * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** True for a string like `25%` (upstream IsValidPercent). */
export function isPercent(v: unknown): v is string {
  return typeof v === 'string' && /^[0-9]+%$/.test(v);
}
