import { describe, expect, it } from 'vitest';
import { replicasOf, selectorOf } from './replicaset.ts';

describe('replicaset helpers', () => {
  it('defaults replicas to 1 like the API', () => {
    expect(replicasOf({ spec: {} })).toBe(1);
    expect(replicasOf({ spec: { replicas: 0 } })).toBe(0);
  });

  it('selects nothing with an invalid selector instead of everything', () => {
    const bad = { spec: { selector: { matchExpressions: [{ key: 'a', operator: 'Near' }] } } } as never;
    expect(selectorOf(bad).matches({ a: 'b' })).toBe(false);
    const good = { spec: { selector: { matchLabels: { app: 'web' } } } } as never;
    expect(selectorOf(good).matches({ app: 'web', x: 'y' })).toBe(true);
  });
});
