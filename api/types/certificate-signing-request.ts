// certificates.k8s.io/v1 CertificateSigningRequest: a request for a certificate from a named
// signer. Nodes use it to trade a bootstrap token for their own client certificate, and to get
// the kubelet's serving certificate; an approver (or a human, `kubectl certificate approve`)
// decides, a signer issues.
import type { ObjectMeta, Time, TypeMeta } from './meta.ts';

/** What a certificate may be used for (upstream KeyUsage and ExtKeyUsage names). */
export type KeyUsage =
  | 'signing'
  | 'digital signature'
  | 'content commitment'
  | 'key encipherment'
  | 'key agreement'
  | 'data encipherment'
  | 'cert sign'
  | 'crl sign'
  | 'encipher only'
  | 'decipher only'
  | 'any'
  | 'server auth'
  | 'client auth'
  | 'code signing'
  | 'email protection'
  | 's/mime'
  | 'ipsec end system'
  | 'ipsec tunnel'
  | 'ipsec user'
  | 'timestamping'
  | 'ocsp signing'
  | 'microsoft sgc'
  | 'netscape sgc';

/** CertificateSigningRequestSpec contains the certificate request. */
export interface CertificateSigningRequestSpec {
  /**
   * request contains an x509 certificate signing request encoded in a "CERTIFICATE REQUEST" PEM block. When serialized as JSON or YAML, the data is additionally base64-encoded.
   * @format byte
   */
  request: string;
  /** signerName indicates the requested signer, and is a qualified name (kubernetes.io/kube-apiserver-client-kubelet, kubernetes.io/kubelet-serving, kubernetes.io/kube-apiserver-client). */
  signerName: string;
  /** expirationSeconds is the requested duration of validity of the issued certificate (at least 600). */
  expirationSeconds?: number;
  /**
   * usages specifies a set of key usages requested in the issued certificate.
   * @listType atomic
   */
  usages?: KeyUsage[];
  /** username contains the name of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable. */
  username?: string;
  /** uid contains the uid of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable. */
  uid?: string;
  /**
   * groups contains group membership of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable.
   * @listType atomic
   */
  groups?: string[];
  /** extra contains extra attributes of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable. */
  extra?: Record<string, string[]>;
}

export type CertificateSigningRequestConditionType = 'Approved' | 'Denied' | 'Failed';

/** CertificateSigningRequestCondition describes a condition of a CertificateSigningRequest object */
export interface CertificateSigningRequestCondition {
  /** type of the condition. Known conditions are "Approved", "Denied", and "Failed". */
  type: CertificateSigningRequestConditionType | string;
  /** status of the condition, one of True, False, Unknown. Approved, Denied, and Failed conditions may not be "False" or "Unknown". */
  status: 'True' | 'False' | 'Unknown';
  /** reason indicates a brief reason for the request state */
  reason?: string;
  /** message contains a human readable message with details about the request state */
  message?: string;
  /** lastUpdateTime is the time of the last update to this condition */
  lastUpdateTime?: Time;
  /** lastTransitionTime is the time the condition last transitioned from one status to another. */
  lastTransitionTime?: Time;
}

/** CertificateSigningRequestStatus contains conditions used to indicate approved/denied/failed status of the request, and the issued certificate. */
export interface CertificateSigningRequestStatus {
  /**
   * conditions applied to the request. Known conditions are "Approved", "Denied", and "Failed".
   * @listType map
   * @listMapKey type
   */
  conditions?: CertificateSigningRequestCondition[];
  /**
   * certificate is populated with an issued certificate by the signer after an Approved condition is present (PEM, base64-encoded in JSON).
   * @format byte
   */
  certificate?: string;
}

/** CertificateSigningRequest objects provide a mechanism to obtain x509 certificates by submitting a certificate signing request, and having it asynchronously approved and issued. */
export interface CertificateSigningRequest extends TypeMeta {
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** spec contains the certificate request, and is immutable after creation. */
  spec: CertificateSigningRequestSpec;
  /** status contains information about whether the request is approved or denied, and the certificate issued by the signer, or the failure condition indicating signer failure. */
  status?: CertificateSigningRequestStatus;
}
