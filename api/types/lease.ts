// coordination.k8s.io/v1 Lease: leader election and node heartbeats.
import type { MicroTime, ObjectMeta, TypeMeta } from './meta.ts';

export interface LeaseSpec {
  /** Identity of the current holder. */
  holderIdentity?: string;
  /** Seconds a candidate waits after the last renewal before taking over. */
  leaseDurationSeconds?: number;
  /** When the current holder acquired the lease. */
  acquireTime?: MicroTime;
  /** When the holder last renewed the lease. */
  renewTime?: MicroTime;
  /** Transitions of the lease between holders. */
  leaseTransitions?: number;
  /** Strategy for picking the next holder (coordinated leader election). */
  strategy?: string;
  /** Holder the lease should move to. */
  preferredHolder?: string;
}

/** Lease defines a lease concept. */
export interface Lease extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** The lease. */
  spec?: LeaseSpec;
}
