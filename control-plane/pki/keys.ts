// Private keys: generated as ECDSA P-256 (small, fast, accepted by kubectl, Go and Node TLS),
// stored as PKCS#8 PEM. A CA key the user brings may also be RSA or another EC curve, so
// importing looks at what the key is instead of assuming P-256.
import { createPrivateKey, webcrypto } from 'node:crypto';
import { x509 } from './x509.ts';

export const subtle = webcrypto.subtle;

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** A fresh ECDSA P-256 key pair, extractable so it can be written to disk. */
export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
}

export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

const NODE_CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** The WebCrypto signing algorithm for a key: ECDSA with SHA-256, or RSASSA-PKCS1-v1_5 with SHA-256. */
export interface SigningKey {
  key: CryptoKey;
  algorithm: webcrypto.AlgorithmIdentifier | webcrypto.EcdsaParams | webcrypto.RsaHashedImportParams;
}

/** Imports a PEM private key of any supported kind as a non-extractable signing key. */
export async function importSigningKey(keyPem: string): Promise<SigningKey> {
  const nodeKey = createPrivateKey(keyPem);
  const pkcs8 = nodeKey.export({ type: 'pkcs8', format: 'der' });
  if (nodeKey.asymmetricKeyType === 'ec') {
    const curve = NODE_CURVES[nodeKey.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!curve) throw new Error(`unsupported EC curve ${nodeKey.asymmetricKeyDetails?.namedCurve}`);
    const key = await subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: curve }, false, ['sign']);
    return { key, algorithm: { name: 'ECDSA', hash: 'SHA-256' } };
  }
  if (nodeKey.asymmetricKeyType === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const key = await subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
    return { key, algorithm };
  }
  throw new Error(`unsupported private key type ${nodeKey.asymmetricKeyType}`);
}
