// Node credentials: the TLS bootstrap of the client certificate and the kubelet serving certificate.
export {
  clientCertificateFiles,
  servingCertificateFiles,
  usableCertificate,
  type CertificateFiles,
} from './credential-files.ts';
export { ensureNodeCredentials, writeNodeKubeconfig, type BootstrapOptions } from './node-credentials.ts';
export { CertificateRequestError, requestCertificate, type IssuedCredential } from './request-certificate.ts';
export { ensureServingCertificate, kubeletApiConfig, withServingCertificate } from './serving-certificate.ts';
export {
  AGENT_API_CONNECTIONS,
  RotatingTransport,
  rotatingNodeClient,
  type RotationOptions,
} from './rotating-transport.ts';
