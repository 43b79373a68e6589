// coordination.k8s.io/v1 (k8s.io/api/coordination/v1) as protobuf: field number -> `jsonName type` per message,
// in the notation of ../schema.ts. Only messages the kinds below reach are listed.
import type { PackageSchema } from '../schema.ts';

export const coordinationv1: PackageSchema = {
  name: 'coordinationv1',
  groupVersion: 'coordination.k8s.io/v1',
  kinds: ['Lease'],
  messages: {
    Lease: {
      1: 'metadata metav1.ObjectMeta',
      2: 'spec LeaseSpec',
    },
    LeaseSpec: {
      1: 'holderIdentity *string',
      2: 'leaseDurationSeconds *int32',
      3: 'acquireTime *metav1.MicroTime',
      4: 'renewTime *metav1.MicroTime',
      5: 'leaseTransitions *int32',
      6: 'strategy *string',
      7: 'preferredHolder *string',
    },
  },
};
