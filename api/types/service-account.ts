// core/v1 ServiceAccount: an identity for processes in pods.
import type { ObjectMeta, TypeMeta } from './meta.ts';
import type { LocalObjectReference, ObjectReference } from './object-reference.ts';

/** ServiceAccount binds together a name, understood by users and perhaps by peripheral systems, for an identity; a principal that can be authenticated and authorized; and a set of secrets. */
export interface ServiceAccount extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** Secrets pods using this account may use (legacy token secrets). */
  secrets?: ObjectReference[];
  /** Image pull secrets added to pods using this account. */
  imagePullSecrets?: LocalObjectReference[];
  /** Whether pods mount an API token automatically. */
  automountServiceAccountToken?: boolean;
}
