import { describe, expect, it } from 'vitest';
import type { KeyValue } from '../../storage/types.ts';
import { ObjectCodec } from './codec.ts';
import { DecodedCache, encodedJson } from './decoded-cache.ts';

const kv = (rev: number, name: string): KeyValue => ({
  key: `/registry/core/configmaps/default/${name}`,
  value: Buffer.from(JSON.stringify({ kind: 'ConfigMap', metadata: { name } })),
  createRevision: rev,
  modRevision: rev,
});

describe('DecodedCache', () => {
  it('keeps one object and one JSON encoding per revision', () => {
    const cache = new DecodedCache(new ObjectCodec());
    const obj = cache.get(kv(5, 'a'));
    expect(cache.get(kv(5, 'a'))).toBe(obj);
    expect(encodedJson(obj)).toBe('{"kind":"ConfigMap","metadata":{"name":"a","resourceVersion":"5"}}');
    const next = cache.get(kv(6, 'a'));
    expect(encodedJson(next)).toContain('"resourceVersion":"6"');
  });

  it('drops the encoding with the entry it belongs to', () => {
    const cache = new DecodedCache(new ObjectCodec(), 2);
    const first = cache.get(kv(1, 'a'));
    expect(encodedJson(first)).toContain('"name":"a"');
    cache.get(kv(2, 'b'));
    cache.get(kv(3, 'c')); // evicts revision 1
    expect(cache.get(kv(1, 'a'))).not.toBe(first);
    // No longer a shared entry: its owner may change it, and its JSON follows.
    first.metadata!.name = 'changed';
    expect(encodedJson(first)).toContain('"name":"changed"');
  });
});
