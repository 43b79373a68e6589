// core/v1 ConfigMap: non-confidential configuration.
import type { ObjectMeta, TypeMeta } from './meta.ts';

/** ConfigMap holds configuration data for pods to consume. */
export interface ConfigMap extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Whether data is immutable; once true it cannot be changed back. */
  immutable?: boolean;
  /** UTF-8 configuration data; keys are config keys (`[-._a-zA-Z0-9]+`). */
  data?: Record<string, string>;
  /**
   * Binary configuration data, base64 encoded; keys must not repeat those of data.
   * @format byte
   */
  binaryData?: Record<string, string>;
}
