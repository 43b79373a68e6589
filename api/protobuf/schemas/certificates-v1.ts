// certificates.k8s.io/v1 (k8s.io/api/certificates/v1) as protobuf: field number -> `jsonName type` per message,
// in the notation of ../schema.ts. Only messages the kinds below reach are listed.
import type { PackageSchema } from '../schema.ts';

export const certificatesv1: PackageSchema = {
  name: 'certificatesv1',
  groupVersion: 'certificates.k8s.io/v1',
  kinds: ['CertificateSigningRequest'],
  messages: {
    CertificateSigningRequest: {
      1: 'metadata metav1.ObjectMeta',
      2: 'spec CertificateSigningRequestSpec',
      3: 'status CertificateSigningRequestStatus',
    },
    CertificateSigningRequestCondition: {
      1: 'type string!',
      2: 'reason string',
      3: 'message string',
      4: 'lastUpdateTime metav1.Time',
      5: 'lastTransitionTime metav1.Time',
      6: 'status string!',
    },
    CertificateSigningRequestSpec: {
      1: 'request bytes!',
      2: 'username string',
      3: 'uid string',
      4: 'groups []string',
      5: 'usages []string',
      6: 'extra map[string]ExtraValue',
      7: 'signerName string!',
      8: 'expirationSeconds *int32',
    },
    CertificateSigningRequestStatus: {
      1: 'conditions []CertificateSigningRequestCondition',
      2: 'certificate bytes',
    },
  },
};
