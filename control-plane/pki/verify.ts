// Checking a certificate a peer presents: signed by our CA, within its validity window, meant
// for the use at hand (extended key usage), and not itself a CA. Synchronous (node:crypto), so
// the API server can authenticate a request without awaiting.
import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { fromX509Name, type CertificateSubject } from './subject.ts';
import { x509 } from './x509.ts';
import type { CertificateUsage } from './issue.ts';

export type CertificateCheck =
  { ok: true; subject: CertificateSubject; notAfter: Date } | { ok: false; reason: string };

const EKU_OID: Record<CertificateUsage, string> = {
  server: '1.3.6.1.5.5.7.3.1',
  client: '1.3.6.1.5.5.7.3.2',
};
const ANY_EKU_OID = '2.5.29.37.0';

export type CertificateInput = NodeX509Certificate | string | Uint8Array;

export function toNodeCertificate(input: CertificateInput): NodeX509Certificate {
  return input instanceof NodeX509Certificate ? input : new NodeX509Certificate(input);
}

export function verifyCertificate(
  caCert: CertificateInput,
  presented: CertificateInput,
  opts: { usage: CertificateUsage; now?: Date },
): CertificateCheck {
  let ca: NodeX509Certificate;
  let cert: NodeX509Certificate;
  try {
    ca = toNodeCertificate(caCert);
    cert = toNodeCertificate(presented);
  } catch (err) {
    return { ok: false, reason: `unparseable certificate: ${(err as Error).message}` };
  }
  if (cert.ca) return { ok: false, reason: 'a CA certificate cannot be used as a leaf certificate' };
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) {
    return { ok: false, reason: 'certificate signed by unknown authority' };
  }
  const now = opts.now ?? new Date();
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (now < notBefore)
    return { ok: false, reason: `certificate is not valid before ${notBefore.toISOString()}` };
  if (now > notAfter)
    return { ok: false, reason: `certificate has expired (not valid after ${notAfter.toISOString()})` };
  // As in Go's x509.Verify: no EKU extension means any usage is allowed.
  const ekus = cert.keyUsage;
  if (ekus && ekus.length > 0 && !ekus.includes(EKU_OID[opts.usage]) && !ekus.includes(ANY_EKU_OID)) {
    return { ok: false, reason: `certificate is not valid for ${opts.usage} authentication` };
  }
  return { ok: true, subject: fromX509Name(new x509.X509Certificate(cert.raw).subjectName), notAfter };
}

/** A client certificate for authentication: verified as above, with a non-empty CN (the user name). */
export function verifyClientCertificate(
  caCert: CertificateInput,
  presented: CertificateInput,
  now?: Date,
): CertificateCheck {
  const check = verifyCertificate(caCert, presented, { usage: 'client', now });
  if (check.ok && !check.subject.commonName)
    return { ok: false, reason: 'the certificate has an empty common name' };
  return check;
}
