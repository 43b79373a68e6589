// The label selector string syntax (`a=b,c!=d,e in (x,y),f notin (z),g,!h`, `==`, `>`/`<`),
// parsed with the same lexer and parser structure as upstream (k8s.io/apimachinery/pkg/labels)
// so that errors carry upstream's exact messages.
import {
  LabelSelectorError,
  labelKeyError,
  newRequirement,
  type Operator,
  type Requirement,
} from './requirement.ts';
import { LabelMatcher } from './selector.ts';
import { formatFieldError } from '../validation/format.ts';

type Token =
  'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'ident' | 'in' | '<' | '!=' | 'notin' | '(';

interface Item {
  tok: Token;
  lit: string;
}

const literalTokens: Record<string, Token> = {
  ')': ')',
  ',': ',',
  '!': '!',
  '==': '==',
  '=': '=',
  '>': '>',
  in: 'in',
  '<': '<',
  '!=': '!=',
  notin: 'notin',
  '(': '(',
};

const isWhitespace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string) => '=!(),><'.includes(ch) && ch !== '';

function lex(s: string): Item[] {
  const out: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos])) pos++;
    if (pos >= s.length) {
      out.push({ tok: 'eos', lit: '' });
      return out;
    }
    if (isSpecial(s[pos])) {
      // The longest run of special symbols that still forms a known operator.
      let buffer = '';
      let last: Item | undefined;
      while (pos < s.length && isSpecial(s[pos])) {
        buffer += s[pos];
        const tok = literalTokens[buffer];
        if (tok) last = { tok, lit: buffer };
        else if (last) break;
        pos++;
      }
      out.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` });
      continue;
    }
    const start = pos;
    while (pos < s.length && !isSpecial(s[pos]) && !isWhitespace(s[pos])) pos++;
    const word = s.slice(start, pos);
    out.push({ tok: literalTokens[word] ?? 'ident', lit: word });
  }
}

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  /** In a values context, `in` and `notin` are ordinary identifiers. */
  private view(item: Item, values: boolean): Item {
    return values && (item.tok === 'in' || item.tok === 'notin') ? { tok: 'ident', lit: item.lit } : item;
  }
  /** Reading past the end keeps returning end-of-string. */
  private at(i: number): Item {
    return this.items[Math.min(i, this.items.length - 1)];
  }
  lookahead(values = true): Item {
    return this.view(this.at(this.position), values);
  }
  consume(values = true): Item {
    return this.view(this.at(this.position++), values);
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead();
      if (tok === 'eos') return reqs;
      if (tok !== 'ident' && tok !== '!')
        throw new LabelSelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.parseRequirement());
      } catch (err) {
        throw new LabelSelectorError(`unable to parse requirement: ${(err as Error).message}`);
      }
      const next = this.consume();
      if (next.tok === 'eos') return reqs;
      if (next.tok !== ',')
        throw new LabelSelectorError(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead();
      if (after.tok !== 'ident' && after.tok !== '!')
        throw new LabelSelectorError(`found '${after.lit}', expected: identifier after ','`);
    }
  }

  private parseRequirement(): Requirement {
    let { tok, lit } = this.consume();
    let doesNotExist = false;
    if (tok === '!') {
      doesNotExist = true;
      ({ tok, lit } = this.consume());
    }
    if (tok !== 'ident') throw new Error(`found '${lit}', expected: identifier`);
    const keyErr = labelKeyError(lit, '<nil>');
    if (keyErr) throw new Error(formatFieldError(keyErr));
    const key = lit;
    const after = this.lookahead().tok;
    if (after === 'eos' || after === ',') return newRequirement(key, doesNotExist ? '!' : 'exists', []);
    if (doesNotExist) return newRequirement(key, '!', []);
    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, operator, [...new Set(values)].sort());
  }

  private parseOperator(): Operator {
    const { tok, lit } = this.consume(false);
    const ops: Partial<Record<Token, Operator>> = {
      in: 'in',
      '=': '=',
      '==': '==',
      '>': 'gt',
      '<': 'lt',
      notin: 'notin',
      '!=': '!=',
    };
    const op = ops[tok];
    if (!op) throw new Error(`found '${lit}', expected: in, notin, =, ==, !=, gt, lt`);
    return op;
  }

  private parseValues(): string[] {
    const open = this.consume();
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead();
    if (tok === ')') {
      this.consume();
      return [''];
    }
    if (tok !== 'ident' && tok !== ',') throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
    const values = this.parseIdentifiersList();
    if (this.consume().tok !== ')') throw new Error(`found '${lit}', expected: ')'`);
    return values;
  }

  private parseIdentifiersList(): string[] {
    const set = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume();
      if (tok === 'ident') {
        set.add(lit);
        const next = this.lookahead();
        if (next.tok === ',') continue;
        if (next.tok === ')') return [...set];
        throw new Error(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok === ',') {
        if (set.size === 0) set.add(''); // "(,"
        const next = this.lookahead().tok;
        if (next === ')') {
          set.add(''); // ",)"
          return [...set];
        }
        if (next === ',') set.add(''); // ",,"
        continue;
      }
      throw new Error(`found '${lit}', expected: ',', or identifier`);
    }
  }

  private parseExactValue(): string[] {
    const next = this.lookahead();
    if (next.tok === 'eos' || next.tok === ',') return [''];
    const { tok, lit } = this.consume();
    if (tok === 'ident') return [lit];
    throw new Error(`found '${lit}', expected: identifier`);
  }
}

/** Parse the string form (`?labelSelector=`); throws LabelSelectorError with upstream's message. */
export function parseLabelSelector(selector: string): LabelMatcher {
  if (typeof selector !== 'string') throw new LabelSelectorError('label selector must be a string');
  return LabelMatcher.of(new Parser(lex(selector)).parse());
}
