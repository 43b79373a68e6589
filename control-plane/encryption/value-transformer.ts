// The seam between the registry and the store for values that may be encrypted at rest
// (upstream's value.Transformer). `key` is the storage key the value lives under; an encrypting
// transformer binds the ciphertext to it, so a value copied to another key does not decrypt.

export interface ValueTransformer {
  toStorage(key: string, plaintext: Uint8Array): Uint8Array;
  fromStorage(key: string, stored: Uint8Array): Uint8Array;
}

/** Every encrypted value starts with this (then the provider, version and key name). */
export const ENCRYPTED_PREFIX = 'k8s:enc:';

const encryptedPrefixBytes = Buffer.from(ENCRYPTED_PREFIX);

export function startsWith(value: Uint8Array, prefix: Uint8Array): boolean {
  return (
    value.length >= prefix.length && Buffer.from(value.buffer, value.byteOffset, prefix.length).equals(prefix)
  );
}

export function isEncrypted(stored: Uint8Array): boolean {
  return startsWith(stored, encryptedPrefixBytes);
}
