// The ingress's default certificate: self-signed, like ingress-nginx's "Kubernetes Ingress
// Controller Fake Certificate". The agent may import only api/, so it reaches @peculiar/x509
// itself rather than through the control plane's PKI (the library needs the Reflect polyfill
// loaded first and a WebCrypto provider).
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as any);

export interface PemPair {
  cert: string;
  key: string;
}

// Starts a few minutes back so a client whose clock runs slightly behind still accepts it.
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const VALIDITY_MS = 365 * 24 * 60 * 60 * 1000;

/** A self-signed ECDSA P-256 certificate for `commonName` and `hosts` (DNS names or IPs). */
export async function selfSignedCertificate(commonName: string, hosts: string[] = []): Promise<PemPair> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // a positive DER INTEGER
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: `CN=${commonName}, O=Flotilla`,
    notBefore: new Date(now - CLOCK_SKEW_MS),
    notAfter: new Date(now + VALIDITY_MS),
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        hosts.map((h) =>
          /^[\d.]+$|:/.test(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h },
        ),
      ),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: cert.toString('pem'), key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}
