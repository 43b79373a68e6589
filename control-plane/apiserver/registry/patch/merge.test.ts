import { describe, expect, it } from 'vitest';
import { StatusError } from '../../status.ts';
import { applyMergePatch } from './merge.ts';

describe('JSON merge patch (RFC 7386)', () => {
  // The examples of RFC 7386 appendix A.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (doc, patch, want) => {
    expect(applyMergePatch(doc, patch)).toEqual(want);
  });

  it('leaves its inputs alone', () => {
    const doc = { a: { b: 1 }, c: [1] };
    const patch = { a: { b: 2 } };
    applyMergePatch(doc, patch);
    expect(doc).toEqual({ a: { b: 1 }, c: [1] });
    expect(patch).toEqual({ a: { b: 2 } });
  });

  it('refuses a patch that is not an object', () => {
    expect(() => applyMergePatch({}, [1])).toThrow(StatusError);
  });
});
