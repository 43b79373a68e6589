// AES-GCM values in upstream's layout: "k8s:enc:aesgcm:v1:<keyname>:" + nonce(12) + ciphertext
// + tag(16). The nonce is random per write; the authenticated data is the prefix (naming the
// key) plus the storage key, so swapping values between objects or keys is detected.
import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';
import { DecryptionError } from './errors.ts';
import { startsWith, type ValueTransformer } from './value-transformer.ts';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface AesKey {
  name: string;
  /** 16, 24 or 32 bytes (AES-128/192/256); we generate 32. */
  secret: Uint8Array;
}

export const aesGcmPrefix = (keyName: string) => `k8s:enc:aesgcm:v1:${keyName}:`;

export function validateAesKey(key: AesKey): void {
  if (!key.name || key.name.includes(':')) throw new Error(`invalid key name ${JSON.stringify(key.name)}`);
  if (![16, 24, 32].includes(key.secret.length)) {
    throw new Error(`key "${key.name}" is ${key.secret.length} bytes; AES keys must be 16, 24 or 32 bytes`);
  }
}

export class AesGcmTransformer implements ValueTransformer {
  readonly prefix: Buffer;
  private readonly algorithm: CipherGCMTypes;

  constructor(private readonly key: AesKey) {
    validateAesKey(key);
    this.prefix = Buffer.from(aesGcmPrefix(key.name));
    this.algorithm = `aes-${key.secret.length * 8}-gcm` as CipherGCMTypes;
  }

  toStorage(storageKey: string, plaintext: Uint8Array): Uint8Array {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(this.algorithm, this.key.secret, nonce);
    cipher.setAAD(this.additionalData(storageKey));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([this.prefix, nonce, body, cipher.getAuthTag()]);
  }

  fromStorage(storageKey: string, stored: Uint8Array): Uint8Array {
    if (!startsWith(stored, this.prefix)) {
      throw new DecryptionError(storageKey, this.key.name, 'the value was not written with this key');
    }
    const sealed = Buffer.from(stored.buffer, stored.byteOffset, stored.length).subarray(this.prefix.length);
    if (sealed.length < NONCE_BYTES + TAG_BYTES)
      throw new DecryptionError(storageKey, this.key.name, 'value is truncated');
    const decipher = createDecipheriv(this.algorithm, this.key.secret, sealed.subarray(0, NONCE_BYTES));
    decipher.setAAD(this.additionalData(storageKey));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new DecryptionError(
        storageKey,
        this.key.name,
        'authentication failed (the value was altered, or was written under another storage key)',
      );
    }
  }

  private additionalData(storageKey: string): Buffer {
    // Unambiguous: key names cannot contain ':'.
    return Buffer.concat([this.prefix, Buffer.from(storageKey, 'utf8')]);
  }
}
