// Named failures of reading encrypted values. The API server reports them as 500s naming the
// object: they mean a damaged or moved value, or a key missing from the configuration.

export class DecryptionError extends Error {
  constructor(
    readonly storageKey: string,
    readonly keyName: string,
    reason: string,
  ) {
    super(`failed to decrypt the value stored at ${storageKey} with key "${keyName}": ${reason}`);
    this.name = 'DecryptionError';
  }
}

export class UnknownEncryptionKeyError extends Error {
  constructor(
    readonly storageKey: string,
    readonly prefix: string,
  ) {
    super(
      `the value stored at ${storageKey} is encrypted (${prefix}...) with a key that is not in the ` +
        'encryption configuration; add the key back to read it',
    );
    this.name = 'UnknownEncryptionKeyError';
  }
}
