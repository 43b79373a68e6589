// Field selectors (`?fieldSelector=metadata.name=web,status.phase!=Running`), parsed like
// upstream k8s.io/apimachinery/pkg/fields: terms split on unescaped commas, operators `=`, `==`
// and `!=`, values unescaped (`\,` `\=` `\\`), errors in upstream's words.

export type Fields = Record<string, string>;

export interface FieldTerm {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** The selector is malformed, or names a field the type does not support. */
export class FieldSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldSelectorError';
  }
}

export class FieldMatcher {
  constructor(readonly terms: readonly FieldTerm[]) {}

  static everything(): FieldMatcher {
    return new FieldMatcher([]);
  }

  /** A missing field reads as '' (so `spec.nodeName=` selects unscheduled pods). */
  matches(fields: Fields): boolean {
    return this.terms.every((t) => ((fields[t.field] ?? '') === t.value) === (t.operator === '='));
  }

  empty(): boolean {
    return this.terms.length === 0;
  }

  /** The value a field must equal, if a term pins it (upstream RequiresExactMatch). */
  requiresExactMatch(field: string): string | undefined {
    return this.terms.find((t) => t.field === field && t.operator === '=')?.value;
  }

  toString(): string {
    return this.terms.map((t) => `${t.field}${t.operator}${escapeValue(t.value)}`).join(',');
  }
}

function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

const termOperators = ['!=', '==', '='] as const;

function splitTerm(term: string): [string, string, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** Upstream UnescapeValue. */
export function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=')
        throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=')
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c}`);
    else out += c;
  }
  if (inSlash) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

export function escapeValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Parse without checking field names; see selectable.ts for the per-type check. */
export function parseFieldSelector(selector: string): FieldMatcher {
  if (typeof selector !== 'string') throw new FieldSelectorError('field selector must be a string');
  const terms: FieldTerm[] = [];
  for (const part of splitTerms(selector).sort()) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [field, op, rhs] = split;
    terms.push({ field, operator: op === '!=' ? '!=' : '=', value: unescapeValue(rhs) });
  }
  return new FieldMatcher(terms);
}
