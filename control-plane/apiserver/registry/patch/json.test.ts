import { describe, expect, it } from 'vitest';
import { StatusError } from '../../status.ts';
import { applyJsonPatch } from './json.ts';

const fails = (doc: unknown, patch: unknown) => {
  try {
    applyJsonPatch(doc, patch);
  } catch (err) {
    if (err instanceof StatusError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected the patch to fail');
};

describe('JSON patch (RFC 6902)', () => {
  it('applies add, remove, replace, move, copy and test in order', () => {
    const doc = { metadata: { labels: { a: '1' } }, list: [1, 2, 3], x: { y: 1 } };
    const out = applyJsonPatch(doc, [
      { op: 'test', path: '/metadata/labels/a', value: '1' },
      { op: 'add', path: '/metadata/labels/b', value: '2' },
      { op: 'replace', path: '/metadata/labels/a', value: 'one' },
      { op: 'add', path: '/list/1', value: 9 },
      { op: 'add', path: '/list/-', value: 4 },
      { op: 'remove', path: '/list/0' },
      { op: 'copy', from: '/x', path: '/z' },
      { op: 'move', from: '/x/y', path: '/moved' },
      { op: 'add', path: '/a~1b', value: 'slash' },
      { op: 'add', path: '/t~0', value: 'tilde' },
    ]);
    expect(out).toEqual({
      metadata: { labels: { a: 'one', b: '2' } },
      list: [9, 2, 3, 4],
      x: {},
      z: { y: 1 },
      moved: 1,
      'a/b': 'slash',
      't~': 'tilde',
    });
    expect(doc).toEqual({ metadata: { labels: { a: '1' } }, list: [1, 2, 3], x: { y: 1 } });
  });

  it('replaces the whole document with path ""', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }])).toEqual({ b: 2 });
  });

  it('is all or nothing, with clear errors', () => {
    expect(fails({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toEqual({
      code: 422,
      message: 'testing value /a failed: test failed',
    });
    expect(fails({}, [{ op: 'remove', path: '/nope' }])).toEqual({
      code: 422,
      message: 'remove operation does not apply: doc is missing path: "/nope": missing value',
    });
    expect(fails({}, [{ op: 'replace', path: '/nope', value: 1 }]).code).toBe(422);
    expect(fails({}, [{ op: 'add', path: '/deep/er', value: 1 }]).message).toBe(
      'add operation does not apply: doc is missing path: "/deep/er": missing value',
    );
    expect(fails({ l: [1] }, [{ op: 'add', path: '/l/5', value: 1 }]).message).toContain(
      'index out of bounds',
    );
    expect(fails({}, [{ op: 'copy', from: '/nope', path: '/x' }]).message).toContain('missing from path');
    expect(fails({}, [{ op: 'jump', path: '/x' }])).toEqual({ code: 422, message: 'Unexpected kind: jump' });
    expect(fails({}, [{ op: 'add', path: '/x' }]).message).toBe('add operation missing value');
    expect(fails({}, { op: 'add' }).code).toBe(400);
  });
});
