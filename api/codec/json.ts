// JSON request bodies: a validating scan (syntax with Go's error wording plus line/column, a
// nesting limit, duplicate keys by path) followed by the native JSON.parse, which after the scan
// cannot fail. The scan recurses at most `maxDepth` deep, so hostile nesting cannot blow the stack.
import { DecodeError, positionOf, quoteChar } from './errors.ts';

export interface JSONDecodeOptions {
  /** Maximum nesting of objects and arrays; the top-level object is depth 1. Default 100. */
  maxDepth?: number;
}

export interface JSONDecoded {
  value: unknown;
  /** Paths of keys that appeared more than once in the same object (`metadata.name`). */
  duplicateFields: string[];
}

export const defaultMaxDepth = 100;

type Segment = string | number;

export function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out;
}

class Scanner {
  pos = 0;
  readonly duplicates: string[] = [];
  private readonly path: Segment[] = [];

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  fail(message: string, at = this.pos): never {
    const position = positionOf(this.text, at);
    throw new DecodeError(
      'syntax',
      `invalid JSON at line ${position.line}, column ${position.column}: ${message}`,
      position,
    );
  }

  private unexpected(context: string): never {
    if (this.pos >= this.text.length) this.fail('unexpected end of JSON input');
    this.fail(`invalid character ${quoteChar(this.text[this.pos])} ${context}`);
  }

  skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else break;
    }
  }

  value(depth: number): void {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{' || c === '[') {
      if (depth + 1 > this.maxDepth) {
        const position = positionOf(this.text, this.pos);
        throw new DecodeError(
          'depth',
          `JSON nesting exceeded max depth of ${this.maxDepth} at line ${position.line}, column ${position.column}`,
          position,
        );
      }
      if (c === '{') this.object(depth + 1);
      else this.array(depth + 1);
    } else if (c === '"') this.string();
    else if (c === '-' || (c >= '0' && c <= '9')) this.number();
    else if (c === 't') this.literal('true');
    else if (c === 'f') this.literal('false');
    else if (c === 'n') this.literal('null');
    else this.unexpected('looking for beginning of value');
  }

  private object(depth: number): void {
    this.pos++; // {
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    const keys = new Set<string>();
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.unexpected('looking for beginning of object key string');
      const key = this.string();
      if (keys.has(key)) this.duplicates.push(formatPath([...this.path, key]));
      keys.add(key);
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.unexpected('after object key');
      this.pos++;
      this.path.push(key);
      this.value(depth);
      this.path.pop();
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '}') {
        this.pos++;
        return;
      }
      this.unexpected('after object key:value pair');
    }
  }

  private array(depth: number): void {
    this.pos++; // [
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (let i = 0; ; i++) {
      this.path.push(i);
      this.value(depth);
      this.path.pop();
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === ']') {
        this.pos++;
        return;
      }
      this.unexpected('after array element');
    }
  }

  /** Scans a string literal and returns its decoded value (needed for duplicate keys). */
  private string(): string {
    const t = this.text;
    const start = ++this.pos;
    let escaped = false;
    while (this.pos < t.length) {
      const code = t.charCodeAt(this.pos);
      if (code === 0x22) {
        const raw = t.slice(start, this.pos++);
        return escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
      }
      if (code < 0x20) this.unexpected('in string literal');
      if (code === 0x5c) {
        escaped = true;
        this.pos++;
        const e = t[this.pos];
        if (e === undefined) this.fail('unexpected end of JSON input');
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            const h = t[this.pos + k];
            if (h === undefined) {
              this.pos += k;
              this.fail('unexpected end of JSON input');
            }
            if (!/[0-9a-fA-F]/.test(h)) {
              this.pos += k;
              this.unexpected('in \\u hexadecimal character escape');
            }
          }
          this.pos += 5;
          continue;
        }
        if (!'"\\/bfnrt'.includes(e)) this.unexpected('in string escape code');
      }
      this.pos++;
    }
    this.fail('unexpected end of JSON input');
  }

  private digits(): number {
    const start = this.pos;
    while (this.pos < this.text.length && this.text[this.pos] >= '0' && this.text[this.pos] <= '9')
      this.pos++;
    return this.pos - start;
  }

  private number(): void {
    const t = this.text;
    const start = this.pos;
    this.numberSyntax();
    const literal = t.slice(start, this.pos);
    if ((literal.length > 15 || /[eE]/.test(literal)) && !Number.isFinite(Number(literal))) {
      const position = positionOf(t, start);
      throw new DecodeError(
        'value',
        `number ${literal.slice(0, 40)} at line ${position.line}, column ${position.column} is out of range`,
        position,
      );
    }
  }

  private numberSyntax(): void {
    const t = this.text;
    if (t[this.pos] === '-') this.pos++;
    if (t[this.pos] === '0') this.pos++;
    else if (this.digits() === 0) this.unexpected('in numeric literal');
    if (t[this.pos] === '.') {
      this.pos++;
      if (this.digits() === 0) this.unexpected('after decimal point in numeric literal');
    }
    if (t[this.pos] === 'e' || t[this.pos] === 'E') {
      this.pos++;
      if (t[this.pos] === '+' || t[this.pos] === '-') this.pos++;
      if (this.digits() === 0) this.unexpected('in exponent of numeric literal');
    }
  }

  private literal(word: string): void {
    for (let i = 0; i < word.length; i++, this.pos++) {
      if (this.text[this.pos] !== word[i])
        this.unexpected(`in literal ${word} (expecting ${quoteChar(word[i])})`);
    }
  }

  end(): void {
    this.skipSpace();
    if (this.pos < this.text.length) this.unexpected('after top-level value');
  }
}

/** Decode one JSON value (any type); throws DecodeError. */
export function decodeJSON(text: string, opts: JSONDecodeOptions = {}): JSONDecoded {
  const scanner = new Scanner(text, opts.maxDepth ?? defaultMaxDepth);
  scanner.skipSpace();
  if (scanner.pos >= text.length) throw new DecodeError('empty', 'the request body is empty');
  scanner.value(0);
  scanner.end();
  return { value: JSON.parse(text), duplicateFields: scanner.duplicates };
}
