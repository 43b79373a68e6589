import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureServiceAccountKey, type ServiceAccountKey } from '../pki/service-account-key.ts';
import {
  ServiceAccountTokenAuthenticator,
  ServiceAccountTokenIssuer,
  type ServiceAccountTokenRequest,
} from './service-account-token.ts';
import { unionTokenAuthenticator } from './token-authenticator-union.ts';
import { TokenAuthenticator } from './token-authenticator.ts';
import { TokenStore } from './token-store.ts';

let dir: string;
let key: ServiceAccountKey;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-sa-'));
  key = ensureServiceAccountKey(join(dir, 'pki'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const request: ServiceAccountTokenRequest = {
  namespace: 'apps',
  serviceAccount: { name: 'builder', uid: 'sa-uid-1' },
  pod: { name: 'builder-7d9f', uid: 'pod-uid-1' },
};

describe('ensureServiceAccountKey', () => {
  it('creates sa.key (0600) and sa.pub once and loads them afterwards', () => {
    expect(statSync(join(dir, 'pki', 'sa.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'pki', 'sa.pub')).mode & 0o777).toBe(0o644);
    expect(ensureServiceAccountKey(join(dir, 'pki'))).toEqual(key);
  });
});

describe('ServiceAccount tokens', () => {
  it('authenticate as system:serviceaccount:<ns>:<name> in the service account groups', async () => {
    const { token, claims } = new ServiceAccountTokenIssuer(key.privateKeyPem).issue(request);
    expect(claims['kubernetes.io'].pod).toEqual(request.pod);
    expect(claims.aud).toEqual(['https://kubernetes.default.svc.cluster.local']);
    const authn = new ServiceAccountTokenAuthenticator({ publicKeyPems: [key.publicKeyPem] });
    expect(await authn.authenticateToken(token)).toEqual({
      username: 'system:serviceaccount:apps:builder',
      uid: 'sa-uid-1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:apps', 'system:authenticated'],
    });
  });

  it('stop working when they expire', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const { token } = new ServiceAccountTokenIssuer(key.privateKeyPem).issue({
      ...request,
      now,
      expirationSeconds: 600,
    });
    const at = (seconds: number) =>
      new ServiceAccountTokenAuthenticator({
        publicKeyPems: [key.publicKeyPem],
        clock: () => new Date(now.getTime() + seconds * 1000),
      });
    expect(await at(599).authenticateToken(token)).toBeDefined();
    expect(await at(600).authenticateToken(token)).toBeUndefined();
  });

  it('are refused for another audience, another issuer or another signing key', async () => {
    const issuer = new ServiceAccountTokenIssuer(key.privateKeyPem);
    const authn = new ServiceAccountTokenAuthenticator({ publicKeyPems: [key.publicKeyPem] });
    expect(
      await authn.authenticateToken(issuer.issue({ ...request, audiences: ['vault'] }).token),
    ).toBeUndefined();
    const foreign = new ServiceAccountTokenIssuer(key.privateKeyPem, 'https://elsewhere.example');
    expect(await authn.authenticateToken(foreign.issue(request).token)).toBeUndefined();
    const otherKey = ensureServiceAccountKey(join(dir, 'other-pki'));
    const forged = new ServiceAccountTokenIssuer(otherKey.privateKeyPem).issue(request).token;
    expect(await authn.authenticateToken(forged)).toBeUndefined();
  });

  it('are refused once the objects they are bound to are gone', async () => {
    const { token } = new ServiceAccountTokenIssuer(key.privateKeyPem).issue(request);
    const livePods = new Set(['pod-uid-1']);
    const authn = new ServiceAccountTokenAuthenticator({
      publicKeyPems: [key.publicKeyPem],
      isBound: async (claims) => livePods.has(claims['kubernetes.io'].pod?.uid ?? ''),
    });
    expect(await authn.authenticateToken(token)).toBeDefined();
    livePods.clear();
    expect(await authn.authenticateToken(token)).toBeUndefined();
  });

  it('sit in one token slot with the token store', async () => {
    const store = TokenStore.open(join(dir, 'tokens.json'));
    const tokens = unionTokenAuthenticator(
      new TokenAuthenticator(store),
      new ServiceAccountTokenAuthenticator({ publicKeyPems: [key.publicKeyPem] }),
    );
    const bearer = store.issue({ username: 'alice', groups: [] }).token;
    const sa = new ServiceAccountTokenIssuer(key.privateKeyPem).issue(request).token;
    expect((await tokens.authenticateToken(bearer))?.username).toBe('alice');
    expect((await tokens.authenticateToken(sa))?.username).toBe('system:serviceaccount:apps:builder');
    expect(await tokens.authenticateToken('nonsense')).toBeUndefined();
  });
});
