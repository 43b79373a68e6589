import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BOOTSTRAP_TOKEN_PATTERN,
  formatBootstrapToken,
  generateBootstrapToken,
  parseBootstrapToken,
} from './bootstrap-token.ts';

describe('bootstrap tokens', () => {
  it('are generated in the upstream format and parse back', () => {
    for (let i = 0; i < 200; i++) {
      const token = generateBootstrapToken();
      const text = formatBootstrapToken(token);
      expect(text).toMatch(BOOTSTRAP_TOKEN_PATTERN);
      expect(parseBootstrapToken(text)).toEqual(token);
    }
  });

  it('parse only the exact format', () => {
    expect(parseBootstrapToken('abcdef.0123456789abcdef')).toEqual({
      id: 'abcdef',
      secret: '0123456789abcdef',
    });
    for (const bad of [
      'ABCDEF.0123456789abcdef',
      'abcdef.0123456789abcde',
      'abcdef0123456789abcdef',
      ' abcdef.0123456789abcdef',
    ]) {
      expect(parseBootstrapToken(bad)).toBeUndefined();
    }
    fc.assert(
      fc.property(fc.string(), (s) => {
        const parsed = parseBootstrapToken(s);
        return parsed === undefined || formatBootstrapToken(parsed) === s;
      }),
    );
  });
});
