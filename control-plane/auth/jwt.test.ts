import { createSecretKey, generateKeyPairSync, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyId, signJwt, verifyJwt } from './jwt.ts';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('JWT (ES256)', () => {
  it('verifies what it signs, with the matching public key only', () => {
    const token = signJwt({ sub: 'me', n: 1 }, privateKey);
    expect(verifyJwt(token, [publicKey])).toEqual({ sub: 'me', n: 1 });
    expect(verifyJwt(token, [other.publicKey])).toBeUndefined();
    expect(verifyJwt(token, [other.publicKey, publicKey])).toEqual({ sub: 'me', n: 1 });
  });

  it("names the signing key in the header by its public key's id", () => {
    const header = JSON.parse(Buffer.from(signJwt({}, privateKey).split('.')[0]!, 'base64url').toString());
    expect(header.kid).toBe(keyId(publicKey));
    expect(keyId(privateKey)).toBe(keyId(publicKey));
    expect(keyId(other.publicKey)).not.toBe(keyId(publicKey));
  });

  it('refuses altered claims', () => {
    const [h, , s] = signJwt({ sub: 'me' }, privateKey).split('.');
    expect(verifyJwt(`${h}.${b64({ sub: 'admin' })}.${s}`, [publicKey])).toBeUndefined();
  });

  it('refuses unsigned and HMAC tokens, whatever their claims', () => {
    expect(verifyJwt(`${b64({ alg: 'none' })}.${b64({ sub: 'admin' })}.`, [publicKey])).toBeUndefined();
    // The classic confusion: HS256 "signed" with the public key as the shared secret.
    const secret = createSecretKey(publicKey.export({ type: 'spki', format: 'der' }));
    const input = `${b64({ alg: 'HS256' })}.${b64({ sub: 'admin' })}`;
    const mac = createHmac('sha256', secret).update(input).digest('base64url');
    expect(verifyJwt(`${input}.${mac}`, [publicKey])).toBeUndefined();
  });

  it('ignores things that are not JWTs', () => {
    for (const t of ['', 'abcdef.0123456789abcdef', 'a.b.c', 'a.b.c.d', '...'])
      expect(verifyJwt(t, [publicKey])).toBeUndefined();
  });
});
