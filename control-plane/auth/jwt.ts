// Compact JWS (JWT) signed with ES256, the one algorithm our ServiceAccount tokens use. Anything
// else (alg "none", HS256 with the public key as secret...) is refused rather than negotiated.
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export interface JwtHeader {
  alg: 'ES256';
  kid: string;
  typ?: 'JWT';
}

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Key ids by key (public, or private for the signer): deriving one exports and hashes the key,
 * which every signing and verification would otherwise repeat. KeyObjects are immutable.
 */
const keyIds = new WeakMap<KeyObject, string>();

/** Upstream's key id: base64url SHA-256 of the DER public key (of a private key's public half). */
export function keyId(key: KeyObject): string {
  let kid = keyIds.get(key);
  if (kid === undefined) {
    const publicKey = key.type === 'private' ? createPublicKey(key) : key;
    kid = createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('base64url');
    keyIds.set(key, kid);
  }
  return kid;
}

export function signJwt(claims: object, privateKey: KeyObject): string {
  const header: JwtHeader = { alg: 'ES256', kid: keyId(privateKey) };
  const input = `${encode(header)}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** The claims of a token signed by one of `publicKeys`, or undefined. Does not check claims. */
export function verifyJwt(token: string, publicKeys: KeyObject[]): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return undefined;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: Partial<JwtHeader>;
  let claims: unknown;
  try {
    header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (header?.alg !== 'ES256' || typeof claims !== 'object' || claims === null) return undefined;
  const signature = Buffer.from(signaturePart, 'base64url');
  const input = Buffer.from(`${headerPart}.${payloadPart}`);
  const candidates = header.kid ? publicKeys.filter((k) => keyId(k) === header.kid) : publicKeys;
  const ok = candidates.some((key) => verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature));
  return ok ? (claims as Record<string, unknown>) : undefined;
}
