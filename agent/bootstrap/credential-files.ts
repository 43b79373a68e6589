// Where a node keeps the credentials it was issued (<dataDir>/pki/, files 0600, dir 0700), and
// whether an issued certificate on disk is still good to use.
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { readTextIfExists, writePrivateFile } from './private-file.ts';

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

export function nodePkiDir(dataDir: string): string {
  return join(dataDir, 'pki');
}

/** The kubelet client certificate (kubelet's pki/kubelet-client-current.pem, split in two). */
export function clientCertificateFiles(dataDir: string): CertificateFiles {
  const dir = nodePkiDir(dataDir);
  return { certFile: join(dir, 'kubelet-client.crt'), keyFile: join(dir, 'kubelet-client.key') };
}

/** The kubelet serving certificate for the kubelet API on :10250. */
export function servingCertificateFiles(dataDir: string): CertificateFiles {
  const dir = nodePkiDir(dataDir);
  return { certFile: join(dir, 'kubelet-server.crt'), keyFile: join(dir, 'kubelet-server.key') };
}

/** Key first, then the certificate: a certificate on disk always has its key next to it. */
export function writeCertificateFiles(files: CertificateFiles, certPem: string, keyPem: string): void {
  writePrivateFile(files.keyFile, keyPem);
  writePrivateFile(files.certFile, certPem);
}

/**
 * The certificate in `certFile` when it exists, has its key, and stays valid for at least
 * `marginMs` more; undefined otherwise (then it is time to ask for a new one).
 */
export function usableCertificate(
  files: CertificateFiles,
  now = Date.now(),
  marginMs = 0,
): X509Certificate | undefined {
  const pem = readTextIfExists(files.certFile);
  if (pem === undefined || readTextIfExists(files.keyFile) === undefined) return undefined;
  try {
    const cert = new X509Certificate(pem);
    const notBefore = Date.parse(cert.validFrom);
    const notAfter = Date.parse(cert.validTo);
    return notBefore <= now && now + marginMs < notAfter ? cert : undefined;
  } catch {
    return undefined;
  }
}
