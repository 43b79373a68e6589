// A stand-in for Electron's `safeStorage` in unit tests (the Electron binary cannot run on our
// build machines). It follows the documented behaviour: encryptString returns an opaque Buffer
// and throws when encryption is not available; decryptString throws on anything it did not
// encrypt with the same key (another user's or another keyring's); on Linux
// getSelectedStorageBackend() names the backend, `basic_text` when no keyring runs.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SafeStorageLike } from './secret-store.ts';

export class FakeSafeStorage implements SafeStorageLike {
  available: boolean;
  backend: string;
  private readonly key = randomBytes(32);

  constructor(opts: { available?: boolean; backend?: string } = {}) {
    this.available = opts.available ?? true;
    this.backend = opts.backend ?? 'gnome_libsecret';
  }

  isEncryptionAvailable(): boolean {
    return this.available;
  }

  getSelectedStorageBackend(): string {
    return this.backend;
  }

  encryptString(plainText: string): Buffer {
    if (!this.available)
      throw new Error(
        'Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.',
      );
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    // Chromium's OSCrypt prefixes its version ("v10"/"v11"); the rest is opaque.
    return Buffer.concat([Buffer.from('v11'), iv, cipher.getAuthTag(), body]);
  }

  decryptString(encrypted: Buffer): string {
    try {
      if (encrypted.subarray(0, 3).toString() !== 'v11') throw new Error('unknown version');
      const iv = encrypted.subarray(3, 15);
      const tag = encrypted.subarray(15, 31);
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(encrypted.subarray(31)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    }
  }
}
