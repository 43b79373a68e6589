import { describe, expect, it } from 'vitest';
import { needsRefresh } from './volumes-token.ts';

describe('projected token refresh', () => {
  const hour = 3600_000;
  const token = { token: 't', issuedAtMs: 0, expiresAtMs: hour };
  it('keeps a token for the first 80% of its life', () => {
    expect(needsRefresh(token, 0.79 * hour)).toBe(false);
  });
  it('asks again past 80% of its life, and once expired', () => {
    expect(needsRefresh(token, 0.81 * hour)).toBe(true);
    expect(needsRefresh(token, 2 * hour)).toBe(true);
  });
  it('asks again after a day even for long-lived tokens', () => {
    expect(needsRefresh({ ...token, expiresAtMs: 100 * 24 * hour }, 25 * hour)).toBe(true);
  });
});
