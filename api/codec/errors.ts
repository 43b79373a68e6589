// The one error type the decoders throw: what is wrong, and where.

export type DecodeProblem =
  | 'syntax' // not valid JSON / YAML
  | 'depth' // nested deeper than the limit
  | 'aliases' // YAML alias expansion over the limit (billion laughs)
  | 'duplicate' // a key appears twice in one mapping (only when duplicates are refused)
  | 'not-object' // a document is not a mapping
  | 'value' // a value JSON cannot carry (NaN, infinity)
  | 'empty'; // no document at all

export interface SourcePosition {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** 0-based character offset. */
  offset: number;
}

export class DecodeError extends Error {
  constructor(
    readonly problem: DecodeProblem,
    message: string,
    readonly position?: SourcePosition,
    /** 0-based index of the YAML document, for multi-document bodies. */
    readonly document?: number,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

/** Line and column of a character offset. */
export function positionOf(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1, offset };
}

/** Go's quoteChar for JSON syntax errors: `'x'`, `'\''`, `'\n'`. */
export function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const q = JSON.stringify(c);
  return `'${q.slice(1, -1)}'`;
}
