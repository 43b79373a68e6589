// Certificate signing requests (PKCS#10). A node makes its own key and sends a CSR; the control
// plane reads it, lets its approver decide on the subject it exposes, and only then signs
// exactly what was read (never the raw PEM again), so nothing unchecked ends up certified.
import { altNamesFrom, altNamesOf, toX509AltNames, type AltNames } from './alt-names.ts';
import type { CertificateAuthority } from './authority.ts';
import { issueCertificate, type CertificateUsage } from './issue.ts';
import { generateKeyPair, privateKeyToPem } from './keys.ts';
import { fromX509Name, toX509Name, type CertificateSubject } from './subject.ts';
import { x509 } from './x509.ts';

export class InvalidCertificateRequestError extends Error {
  constructor(reason: string) {
    super(`invalid certificate signing request: ${reason}`);
    this.name = 'InvalidCertificateRequestError';
  }
}

export interface CertificateRequest {
  subject: CertificateSubject;
  altNames: AltNames;
  /** The requester's public key, proven by the request's self-signature. */
  publicKey: x509.PublicKey;
}

/** What a node does: a fresh key and a CSR for it. */
export async function createCertificateRequest(
  subject: CertificateSubject,
  altNames?: AltNames,
): Promise<{ csrPem: string; keyPem: string }> {
  const keys = await generateKeyPair();
  const names = altNamesFrom(altNames);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: toX509Name(subject),
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as any,
    extensions: names.dnsNames.length + names.ips.length > 0 ? [toX509AltNames(names)] : [],
  });
  return { csrPem: csr.toString('pem'), keyPem: await privateKeyToPem(keys.privateKey) };
}

/** Parses a PEM CSR and checks its signature (proof that the requester holds the private key). */
export async function readCertificateRequest(pem: string | Uint8Array): Promise<CertificateRequest> {
  const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString('utf8');
  if (!text.includes('-----BEGIN CERTIFICATE REQUEST-----')) {
    throw new InvalidCertificateRequestError('PEM block type must be CERTIFICATE REQUEST');
  }
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(text);
  } catch (err) {
    throw new InvalidCertificateRequestError((err as Error).message);
  }
  if (!(await csr.verify()))
    throw new InvalidCertificateRequestError('signature does not match the public key');
  return {
    subject: fromX509Name(csr.subjectName),
    altNames: altNamesOf(csr.extensions),
    publicKey: csr.publicKey,
  };
}

export interface SignRequestOptions {
  usages: CertificateUsage[];
  validityDays?: number;
  now?: Date;
}

/** Signs an already read (and approved) request with the subject and SANs it asked for. */
export async function signCertificateRequest(
  ca: CertificateAuthority,
  request: CertificateRequest,
  opts: SignRequestOptions,
): Promise<string> {
  return issueCertificate(ca, {
    subject: request.subject,
    publicKey: request.publicKey,
    usages: opts.usages,
    altNames: request.altNames,
    validityDays: opts.validityDays,
    now: opts.now,
  });
}

export const NODE_USER_PREFIX = 'system:node:';
export const NODES_GROUP = 'system:nodes';

/**
 * Why a request is not a valid kubelet client certificate request (empty when it is), following
 * upstream's kube-apiserver-client-kubelet signer: CN=system:node:<name>, O=[system:nodes], no SANs.
 */
export function nodeClientRequestProblems(request: CertificateRequest, nodeName?: string): string[] {
  const problems: string[] = [];
  const { commonName, organizations = [] } = request.subject;
  if (!commonName.startsWith(NODE_USER_PREFIX) || commonName.length === NODE_USER_PREFIX.length) {
    problems.push(`subject common name must begin with "${NODE_USER_PREFIX}"`);
  } else if (nodeName !== undefined && commonName !== NODE_USER_PREFIX + nodeName) {
    problems.push(`subject common name must be "${NODE_USER_PREFIX}${nodeName}"`);
  }
  if (organizations.length !== 1 || organizations[0] !== NODES_GROUP) {
    problems.push(`subject organization must be exactly ["${NODES_GROUP}"]`);
  }
  if (request.altNames.dnsNames.length + request.altNames.ips.length > 0) {
    problems.push('DNS and IP subjectAltNames are not allowed');
  }
  return problems;
}
