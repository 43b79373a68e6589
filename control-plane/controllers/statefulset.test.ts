import { describe, expect, it } from 'vitest';
import { claimName, ordinalOf } from './statefulset.ts';

describe('statefulset identities', () => {
  it('reads ordinals only from names `<set>-<n>`', () => {
    expect(ordinalOf('web', 'web-0')).toBe(0);
    expect(ordinalOf('web', 'web-12')).toBe(12);
    expect(ordinalOf('web', 'web-01')).toBeUndefined();
    expect(ordinalOf('web', 'web-x')).toBeUndefined();
    expect(ordinalOf('web', 'webby-1')).toBeUndefined();
    expect(ordinalOf('web', 'web-api-1')).toBeUndefined();
  });

  it('names claims `<claim>-<set>-<ordinal>`', () => {
    expect(claimName('data', 'web', 2)).toBe('data-web-2');
  });
});
