// Encryption at rest for stored values (Secrets), in kube-apiserver's format.
export { AesGcmTransformer, aesGcmPrefix, type AesKey } from './aes-gcm.ts';
export {
  defaultEncryptionConfiguration,
  ENCRYPTION_CONFIG_FILE,
  ensureEncryptionAtRest,
  rotateEncryptionKey,
  type EncryptionAtRest,
} from './encryption-at-rest.ts';
export {
  parseEncryptionConfiguration,
  ResourceTransformers,
  stringifyEncryptionConfiguration,
  type EncryptionConfiguration,
} from './encryption-config.ts';
export { DecryptionError, UnknownEncryptionKeyError } from './errors.ts';
export { identityTransformer, ProviderChain } from './provider-chain.ts';
export { ENCRYPTED_PREFIX, isEncrypted, type ValueTransformer } from './value-transformer.ts';
