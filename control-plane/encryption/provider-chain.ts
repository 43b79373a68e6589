// Several providers for one resource, as in an EncryptionConfiguration: writes use the first,
// reads use whichever wrote the value (found by its prefix). That is what makes key rotation
// work: add a new key first, keep the old one for reading until everything is rewritten.
// Values without the k8s:enc: prefix are plaintext from before encryption was turned on.
import { UnknownEncryptionKeyError } from './errors.ts';
import { isEncrypted, startsWith, type ValueTransformer } from './value-transformer.ts';

export interface PrefixedTransformer {
  prefix: Uint8Array;
  transformer: ValueTransformer;
}

/** Writes and reads plaintext; refuses to hand out ciphertext as if it were the value. */
export const identityTransformer: ValueTransformer = {
  toStorage: (_key, plaintext) => plaintext,
  fromStorage: (key, stored) => {
    if (isEncrypted(stored)) throw new UnknownEncryptionKeyError(key, prefixOf(stored));
    return stored;
  },
};

export class ProviderChain implements ValueTransformer {
  /**
   * @param providers readers/writers by prefix, in configuration order
   * @param writer the transformer new values are written with (the first configured provider)
   */
  constructor(
    private readonly providers: PrefixedTransformer[],
    private readonly writer: ValueTransformer,
  ) {}

  toStorage(key: string, plaintext: Uint8Array): Uint8Array {
    return this.writer.toStorage(key, plaintext);
  }

  fromStorage(key: string, stored: Uint8Array): Uint8Array {
    const provider = this.providers.find((p) => startsWith(stored, p.prefix));
    if (provider) return provider.transformer.fromStorage(key, stored);
    return identityTransformer.fromStorage(key, stored);
  }
}

/** "k8s:enc:aesgcm:v1:key1:" of a stored value, for messages. */
function prefixOf(stored: Uint8Array): string {
  const head = Buffer.from(stored.buffer, stored.byteOffset, Math.min(stored.length, 80)).toString('latin1');
  const match = /^k8s:enc:[^:]*:[^:]*:[^:]*:/.exec(head);
  return match ? match[0] : 'k8s:enc:';
}
