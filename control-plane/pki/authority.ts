// The cluster certificate authority: a self-signed CA whose key signs every serving and client
// certificate of the cluster. Kubernetes trusts one CA for both directions (kubeadm's ca.crt).
import { createPrivateKey, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { generateKeyPair, importSigningKey, privateKeyToPem, type SigningKey } from './keys.ts';
import { toX509Name } from './subject.ts';
import { CA_VALIDITY_DAYS, randomSerialNumber, validityWindow } from './validity.ts';
import { x509 } from './x509.ts';

export const DEFAULT_CA_NAME = 'flotilla-ca';

export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
  cert: x509.X509Certificate;
  signer: SigningKey;
}

export interface CreateAuthorityOptions {
  commonName?: string;
  validityDays?: number;
  now?: Date;
}

export async function createCertificateAuthority(
  opts: CreateAuthorityOptions = {},
): Promise<CertificateAuthority> {
  const keys = await generateKeyPair();
  const { notBefore, notAfter } = validityWindow(
    opts.now ?? new Date(),
    opts.validityDays ?? CA_VALIDITY_DAYS,
  );
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: toX509Name({ commonName: opts.commonName ?? DEFAULT_CA_NAME }),
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return loadCertificateAuthority(cert.toString('pem'), await privateKeyToPem(keys.privateKey));
}

/** Loads a CA from PEMs, checking that it is a CA and that the key belongs to the certificate. */
export async function loadCertificateAuthority(
  certPem: string,
  keyPem: string,
): Promise<CertificateAuthority> {
  const nodeCert = new NodeX509Certificate(certPem);
  if (!nodeCert.ca)
    throw new Error(`certificate ${nodeCert.subject} is not a CA (basicConstraints CA:FALSE)`);
  if (!nodeCert.checkPrivateKey(createPrivateKey(keyPem))) {
    throw new Error('the CA private key does not match the CA certificate');
  }
  return { certPem, keyPem, cert: new x509.X509Certificate(certPem), signer: await importSigningKey(keyPem) };
}
