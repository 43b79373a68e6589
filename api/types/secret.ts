// core/v1 Secret: confidential data, base64 encoded on the wire.
import type { ObjectMeta, TypeMeta } from './meta.ts';

export type SecretType =
  | 'Opaque'
  | 'kubernetes.io/service-account-token'
  | 'kubernetes.io/dockercfg'
  | 'kubernetes.io/dockerconfigjson'
  | 'kubernetes.io/basic-auth'
  | 'kubernetes.io/ssh-auth'
  | 'kubernetes.io/tls'
  | 'bootstrap.kubernetes.io/token'
  | string;

/** Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes. */
export interface Secret extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Whether data is immutable; once true it cannot be changed back. */
  immutable?: boolean;
  /**
   * Secret data, base64 encoded; keys are config keys.
   * @format byte
   */
  data?: Record<string, string>;
  /** Write-only plain-text data, merged into data on write. */
  stringData?: Record<string, string>;
  /** Type of the secret, which fixes the keys it must hold; defaults to Opaque. */
  type?: SecretType;
}
