// The cluster PKI: CA, serving and client certificates, CSRs, verification, on-disk layout.
export { altNamesFrom, canonicalIp, LOOPBACK_ALT_NAMES, type AltNames } from './alt-names.ts';
export {
  createCertificateAuthority,
  DEFAULT_CA_NAME,
  loadCertificateAuthority,
  type CertificateAuthority,
} from './authority.ts';
export {
  API_SERVER_DNS_NAMES,
  ensureCertificateAuthority,
  ensureClientCertificate,
  ensureClusterPki,
  ensureServingCertificate,
  KUBELET_CLIENT_SUBJECT,
  pkiPaths,
  RENEW_BEFORE_DAYS,
  type ClusterPki,
  type ClusterPkiOptions,
  type EnsuredCertificate,
} from './cluster-pki.ts';
export {
  createCertificateRequest,
  InvalidCertificateRequestError,
  nodeClientRequestProblems,
  NODE_USER_PREFIX,
  NODES_GROUP,
  readCertificateRequest,
  signCertificateRequest,
  type CertificateRequest,
} from './csr.ts';
export { readTextIfExists, writePrivateFile, writePublicFile } from './files.ts';
export {
  issueCertificate,
  issueClientCertificate,
  issueServingCertificate,
  type CertificateUsage,
  type IssuedCertificate,
} from './issue.ts';
export { ensureServiceAccountKey, type ServiceAccountKey } from './service-account-key.ts';
export type { CertificateSubject } from './subject.ts';
export { verifyCertificate, verifyClientCertificate, type CertificateCheck } from './verify.ts';
