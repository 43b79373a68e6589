// Per-resource transformation of stored bytes (Secrets are encrypted at rest with AES-GCM by a
// transformer written elsewhere). The key is passed so a transformer can bind ciphertext to it
// (authenticated data), like upstream's value.Transformer with its DataContext. Synchronous on
// purpose: it sits on every read and write, and Node's ciphers are synchronous.
export interface ValueTransformer {
  toStorage(key: string, bytes: Uint8Array): Uint8Array;
  fromStorage(key: string, bytes: Uint8Array): Uint8Array;
}
