// Issuing leaf certificates signed by the cluster CA: serving certificates (serverAuth, with
// SANs) for the API server and kubelets, client certificates (clientAuth, CN=user, O=groups).
import type { CertificateAuthority } from './authority.ts';
import { altNamesFrom, toX509AltNames, type AltNames } from './alt-names.ts';
import { generateKeyPair, privateKeyToPem, type CryptoKey } from './keys.ts';
import { toX509Name, type CertificateSubject } from './subject.ts';
import { LEAF_VALIDITY_DAYS, randomSerialNumber, validityWindow } from './validity.ts';
import { x509 } from './x509.ts';

export type CertificateUsage = 'server' | 'client';

export interface IssueOptions {
  subject: CertificateSubject;
  /** The key the certificate certifies (a WebCrypto key or a parsed public key, e.g. from a CSR). */
  publicKey: CryptoKey | x509.PublicKey;
  usages: CertificateUsage[];
  /** DNS names and IPs (serving certificates). */
  altNames?: AltNames;
  validityDays?: number;
  now?: Date;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

const EKU: Record<CertificateUsage, x509.ExtendedKeyUsage> = {
  server: x509.ExtendedKeyUsage.serverAuth,
  client: x509.ExtendedKeyUsage.clientAuth,
};

/** Signs a certificate for a public key. Returns the certificate PEM. */
export async function issueCertificate(ca: CertificateAuthority, opts: IssueOptions): Promise<string> {
  const { notBefore, notAfter } = validityWindow(
    opts.now ?? new Date(),
    opts.validityDays ?? LEAF_VALIDITY_DAYS,
    ca.cert.notAfter,
  );
  const publicKey =
    opts.publicKey instanceof x509.PublicKey ? opts.publicKey : await x509.PublicKey.create(opts.publicKey);
  // keyEncipherment only means something for RSA key transport; ECDSA keys only sign.
  const isRsa = publicKey.algorithm.name.startsWith('RSA');
  const keyUsage = x509.KeyUsageFlags.digitalSignature | (isRsa ? x509.KeyUsageFlags.keyEncipherment : 0);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(keyUsage, true),
    new x509.ExtendedKeyUsageExtension(opts.usages.map((u) => EKU[u])),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
  ];
  const altNames = altNamesFrom(opts.altNames);
  if (altNames.dnsNames.length + altNames.ips.length > 0) extensions.push(toX509AltNames(altNames));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: toX509Name(opts.subject),
    issuer: ca.cert.subjectName,
    notBefore,
    notAfter,
    publicKey,
    signingKey: ca.signer.key,
    signingAlgorithm: ca.signer.algorithm,
    extensions,
  });
  return cert.toString('pem');
}

export interface ServingCertificateOptions {
  /** DNS names and IPs clients will dial; mixed, sorted out by syntax. */
  altNames: AltNames;
  commonName?: string;
  validityDays?: number;
  now?: Date;
}

/** A new key and a serverAuth certificate for it. */
export async function issueServingCertificate(
  ca: CertificateAuthority,
  opts: ServingCertificateOptions,
): Promise<IssuedCertificate> {
  const keys = await generateKeyPair();
  const certPem = await issueCertificate(ca, {
    subject: { commonName: opts.commonName ?? 'kube-apiserver' },
    publicKey: keys.publicKey,
    usages: ['server'],
    altNames: opts.altNames,
    validityDays: opts.validityDays,
    now: opts.now,
  });
  return { certPem, keyPem: await privateKeyToPem(keys.privateKey) };
}

export interface ClientCertificateOptions {
  validityDays?: number;
  now?: Date;
}

/** A new key and a clientAuth certificate: CN=user, O=groups. */
export async function issueClientCertificate(
  ca: CertificateAuthority,
  subject: CertificateSubject,
  opts: ClientCertificateOptions = {},
): Promise<IssuedCertificate> {
  const keys = await generateKeyPair();
  const certPem = await issueCertificate(ca, {
    subject,
    publicKey: keys.publicKey,
    usages: ['client'],
    validityDays: opts.validityDays,
    now: opts.now,
  });
  return { certPem, keyPem: await privateKeyToPem(keys.privateKey) };
}
