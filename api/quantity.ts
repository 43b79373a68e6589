// Resource quantities (`100m`, `1.5`, `128Mi`, `1G`, `2e3`) with upstream's semantics
// (k8s.io/apimachinery/pkg/api/resource): exact decimal arithmetic, values rounded up to the
// nano unit, and the canonical string form the API server writes back (`0.5` -> `500m`,
// `1536Mi` stays, `1.5Gi` -> `1536Mi`, `1000` -> `1k`).
//
// A value is `mantissa * 10^exponent` (bigint mantissa, normalised so it has no trailing zero
// digits), which keeps huge and tiny exponents cheap. Binary suffixes are expanded on parse.

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

/** A quantity string could not be parsed; the message is upstream's. */
export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

const splitRE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const errFormatWrong = `quantities must match the regular expression '${splitRE}'`;
const errNumeric = 'unable to parse numeric part of quantity';
const errSuffix = "unable to parse quantity's suffix";

const decimalSuffixes: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binaryByExponent = new Map(Object.entries(binarySuffixes).map(([s, e]) => [e / 10, s]));

/** Exponents beyond this are refused rather than expanded (no real resource needs 10^1000). */
const maxExponent = 1000;
const nanoExponent = -9;
const maxInt64 = (1n << 63n) - 1n;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Strip factors of 10 from the mantissa into the exponent. */
function normalise(mantissa: bigint, exponent: number): [bigint, number] {
  if (mantissa === 0n) return [0n, 0];
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  return [mantissa, exponent];
}

/** Ceiling division away from zero for a non-negative divisor. */
function divUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  return q * d === n ? q : n < 0n ? q - 1n : q + 1n;
}

function digitCount(n: bigint): number {
  return (n < 0n ? -n : n).toString().length;
}

export class Quantity {
  /** value = mantissa * 10^exponent; mantissa has no trailing zeros (0 has exponent 0). */
  readonly mantissa: bigint;
  readonly exponent: number;
  readonly format: QuantityFormat;

  constructor(mantissa: bigint, exponent: number, format: QuantityFormat) {
    [this.mantissa, this.exponent] = normalise(mantissa, exponent);
    this.format = format;
  }

  /** Parse like upstream's resource.ParseQuantity; throws QuantityError. */
  static parse(input: string): Quantity {
    return parseQuantity(input);
  }

  static fromInt(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(value), 0, format);
  }

  static fromMilli(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(milli), -3, format);
  }

  isZero(): boolean {
    return this.mantissa === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.mantissa === 0n ? 0 : this.mantissa < 0n ? -1 : 1;
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    const a = this.sign();
    const b = other.sign();
    if (a !== b) return a < b ? -1 : 1;
    if (a === 0) return 0;
    // Same sign: compare orders of magnitude first so huge exponents never get expanded.
    const magA = digitCount(this.mantissa) + this.exponent;
    const magB = digitCount(other.mantissa) + other.exponent;
    if (magA !== magB) return (magA > magB ? 1 : -1) * a > 0 ? 1 : -1;
    const e = Math.min(this.exponent, other.exponent);
    const x = this.mantissa * pow10(this.exponent - e);
    const y = other.mantissa * pow10(other.exponent - e);
    return x === y ? 0 : x > y ? 1 : -1;
  }

  equals(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  /** Sum; a zero receiver takes the other's format (like upstream's Add). */
  add(other: Quantity): Quantity {
    const format = this.isZero() ? other.format : this.format;
    const e = Math.min(this.exponent, other.exponent);
    const sum = this.mantissa * pow10(this.exponent - e) + other.mantissa * pow10(other.exponent - e);
    return new Quantity(sum, e, format);
  }

  sub(other: Quantity): Quantity {
    return this.add(other.neg()).withFormat(this.isZero() ? other.format : this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.mantissa, this.exponent, this.format);
  }

  /** Multiply by an integer. */
  mul(factor: number | bigint): Quantity {
    return new Quantity(this.mantissa * BigInt(factor), this.exponent, this.format);
  }

  withFormat(format: QuantityFormat): Quantity {
    return new Quantity(this.mantissa, this.exponent, format);
  }

  /** Rounded up (away from zero) to a multiple of 10^scale, like upstream's RoundUp(scale). */
  roundUp(scale: number): Quantity {
    if (this.exponent >= scale) return this;
    return new Quantity(this.scaledValueBig(scale), scale, this.format);
  }

  /** ceil(value / 10^scale), rounding away from zero, as a bigint (upstream ScaledValue). */
  scaledValueBig(scale: number): bigint {
    const shift = this.exponent - scale;
    if (shift >= 0) return this.mantissa * pow10(shift);
    return divUp(this.mantissa, pow10(-shift));
  }

  /** The value rounded up to an integer (upstream Value()); bytes for memory. */
  value(): number {
    return Number(this.scaledValueBig(0));
  }

  /** ceil(value * 1000) (upstream MilliValue()); milli-CPUs for cpu. */
  milliValue(): number {
    return Number(this.scaledValueBig(-3));
  }

  /** An approximate float, for display and ratios. */
  toNumber(): number {
    return Number(this.mantissa) * 10 ** this.exponent;
  }

  /** The canonical form, as upstream's Quantity.String(). */
  toString(): string {
    return formatQuantity(this);
  }

  toJSON(): string {
    return this.toString();
  }
}

interface Split {
  positive: boolean;
  num: string;
  denom: string;
  suffix: string;
}

/** A scanner that mirrors upstream's parseQuantityString. */
function splitQuantity(str: string): Split {
  let pos = 0;
  const end = str.length;
  let positive = true;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  const numStart = pos;
  while (pos < end && str[pos] >= '0' && str[pos] <= '9') pos++;
  const num = str.slice(numStart, pos) || '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    const denomStart = pos;
    while (pos < end && str[pos] >= '0' && str[pos] <= '9') pos++;
    denom = str.slice(denomStart, pos);
  }
  const suffixStart = pos;
  while (pos < end && 'eEinumkKMGTP'.includes(str[pos])) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && str[pos] >= '0' && str[pos] <= '9') pos++;
  if (pos < end) throw new QuantityError(errFormatWrong);
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

interface Suffix {
  base: 10 | 2;
  exponent: number;
  format: QuantityFormat;
}

function interpretSuffix(s: string): Suffix | undefined {
  if (s in decimalSuffixes) return { base: 10, exponent: decimalSuffixes[s], format: 'DecimalSI' };
  if (s in binarySuffixes) return { base: 2, exponent: binarySuffixes[s], format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E') && /^[+-]?[0-9]+$/.test(s.slice(1))) {
    const exponent = Number(s.slice(1));
    if (!Number.isSafeInteger(exponent)) return undefined;
    return { base: 10, exponent, format: 'DecimalExponent' };
  }
  return undefined;
}

/** Parse like upstream's resource.ParseQuantity; throws QuantityError with upstream's message. */
export function parseQuantity(input: string): Quantity {
  if (typeof input !== 'string' || input.length === 0) throw new QuantityError(errFormatWrong);
  if (input === '0') return new Quantity(0n, 0, 'DecimalSI');
  const { positive, num, denom, suffix } = splitQuantity(input);
  if (!/[0-9]/.test(input.slice(0, input.length - suffix.length))) throw new QuantityError(errNumeric);
  const parsed = interpretSuffix(suffix);
  if (!parsed) throw new QuantityError(errSuffix);
  let { format } = parsed;
  let mantissa = BigInt(num + denom);
  let exponent = -denom.length;
  if (parsed.base === 10) exponent += parsed.exponent;
  else mantissa <<= BigInt(parsed.exponent);
  [mantissa, exponent] = normalise(mantissa, exponent);
  if (exponent + digitCount(mantissa) > maxExponent) throw new QuantityError(errNumeric);

  // Round non-zero values up to the nano unit: asking for some resource gets you some.
  if (mantissa !== 0n && digitCount(mantissa) + exponent <= nanoExponent) {
    mantissa = 1n; // below one nano: avoid expanding a huge negative exponent
    exponent = nanoExponent;
  } else if (mantissa !== 0n && exponent < nanoExponent) {
    mantissa = divUp(mantissa, pow10(nanoExponent - exponent));
    exponent = nanoExponent;
  }
  let q = new Quantity(mantissa, exponent, format);
  if (format === 'BinarySI' && q.cmp(Quantity.fromInt(maxInt64)) > 0) q = Quantity.fromInt(maxInt64, format);
  if (format === 'BinarySI' && q.cmp(Quantity.fromInt(1)) < 0 && !q.isZero()) format = 'DecimalSI';
  return positive ? q.withFormat(format) : q.neg().withFormat(format);
}

/** parseQuantity that returns undefined instead of throwing. */
export function tryParseQuantity(input: unknown): Quantity | undefined {
  if (typeof input === 'number') input = numberToQuantityString(input);
  if (typeof input !== 'string') return undefined;
  try {
    return parseQuantity(input);
  } catch {
    return undefined;
  }
}

/** JSON numbers are accepted where a quantity is expected (`cpu: 2`, `cpu: 0.5`). */
export function numberToQuantityString(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const s = String(n);
  // Keep exponent notation parseable: 1e+21 -> 1e21.
  return s.replace('e+', 'e');
}

function formatQuantity(q: Quantity): string {
  if (q.isZero()) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const small = q.cmp(Quantity.fromInt(-1024)) > 0 && q.cmp(Quantity.fromInt(1024)) < 0;
    if (small || q.exponent < 0) format = 'DecimalSI'; // Don't lose precision: show decimal.
  }
  if (format === 'BinarySI') {
    let amount = q.scaledValueBig(0);
    let exp = 0;
    while (exp < 6 && amount % 1024n === 0n) {
      amount /= 1024n;
      exp++;
    }
    return `${amount}${binaryByExponent.get(exp) ?? ''}`;
  }
  // Decimal: an exponent that is a multiple of three.
  let mantissa = q.mantissa;
  let exponent = q.exponent;
  const rem = ((exponent % 3) + 3) % 3;
  if (rem !== 0) {
    mantissa *= pow10(rem);
    exponent -= rem;
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  if (exponent > 18) {
    // Beyond the largest SI suffix: scale to `E`.
    mantissa *= pow10(exponent - 18);
    exponent = 18;
  }
  return `${mantissa}${decimalByExponent.get(exponent) ?? ''}`;
}

/** The canonical form of a quantity string or number (`0.5` -> `500m`); throws QuantityError. */
export function canonicalQuantity(input: string | number): string {
  return parseQuantity(typeof input === 'number' ? numberToQuantityString(input) : input).toString();
}

/** Compare two quantity strings; throws QuantityError if either is invalid. */
export function compareQuantities(a: string | number, b: string | number): -1 | 0 | 1 {
  const qa = parseQuantity(typeof a === 'number' ? numberToQuantityString(a) : a);
  const qb = parseQuantity(typeof b === 'number' ? numberToQuantityString(b) : b);
  return qa.cmp(qb);
}

/** ceil(q * 1000): milli-units (milli-CPU). Throws QuantityError. */
export function toMilli(input: string | number): number {
  return parseQuantity(typeof input === 'number' ? numberToQuantityString(input) : input).milliValue();
}

/** ceil(q): whole units (bytes for memory and storage). Throws QuantityError. */
export function toBytes(input: string | number): number {
  return parseQuantity(typeof input === 'number' ? numberToQuantityString(input) : input).value();
}
