// The key that signs ServiceAccount tokens (kubeadm's sa.key / sa.pub). It is separate from the
// CA key: tokens are verified with sa.pub alone, which can be handed out without risk.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import {
  createFileExclusive,
  ensurePrivateDir,
  PRIVATE_MODE,
  readTextIfExists,
  writePublicFile,
} from './files.ts';

export interface ServiceAccountKey {
  /** PKCS#8 PEM, ECDSA P-256 (tokens are ES256). */
  privateKeyPem: string;
  /** SPKI PEM. */
  publicKeyPem: string;
}

/** Loads `<dir>/sa.key` (and derives sa.pub), creating the pair on first use. */
export function ensureServiceAccountKey(dir: string): ServiceAccountKey {
  ensurePrivateDir(dir);
  const keyPath = join(dir, 'sa.key');
  const pubPath = join(dir, 'sa.pub');
  if (readTextIfExists(keyPath) === undefined) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    // Losing a race to another creator is fine: theirs is read back below.
    createFileExclusive(
      keyPath,
      privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      PRIVATE_MODE,
    );
  }
  const privateKeyPem = readTextIfExists(keyPath)!;
  const publicKeyPem = createPublicKey(createPrivateKey(privateKeyPem))
    .export({ type: 'spki', format: 'pem' })
    .toString();
  if (readTextIfExists(pubPath) !== publicKeyPem) writePublicFile(pubPath, publicKeyPem);
  return { privateKeyPem, publicKeyPem };
}
