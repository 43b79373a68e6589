// A PKCS#10 certificate request (RFC 2986) made with Node's own crypto: an ECDSA P-256 key and
// a DER-encoded request signed with it, written with der.ts rather than an X.509 library (or the
// control plane's PKI) in the agent bundle. The control plane parses and verifies it with @peculiar/x509 (pki/csr.ts).
import { generateKeyPairSync, sign } from 'node:crypto';
import { der, generalNames, oid, OID, pem, sequence, set, utf8 } from './der.ts';

export interface RequestSubject {
  commonName: string;
  organizations?: string[];
}

export interface RequestAltNames {
  dnsNames: string[];
  ips: string[];
}

/** Name: O first then CN, one attribute per RDN, as Go's pkix.Name writes them. */
function name(subject: RequestSubject): Buffer {
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8(value)));
  return sequence(
    ...(subject.organizations ?? []).map((o) => rdn(OID.organization, o)),
    rdn(OID.commonName, subject.commonName),
  );
}

function attributes(altNames: RequestAltNames | undefined): Buffer {
  const names = generalNames(altNames?.dnsNames ?? [], altNames?.ips ?? []);
  if (names.length === 0) return der(0xa0);
  const san = sequence(oid(OID.subjectAltName), der(0x04, sequence(...names)));
  return der(0xa0, sequence(oid(OID.extensionRequest), set(sequence(san))));
}

/** A fresh key (PKCS#8 PEM) and a CSR (PEM) for it. */
export function createCertificateRequest(
  subject: RequestSubject,
  altNames?: RequestAltNames,
): { csrPem: string; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const info = sequence(
    der(0x02, Buffer.from([0])),
    name(subject),
    publicKey.export({ type: 'spki', format: 'der' }),
    attributes(altNames),
  );
  const signature = sign('sha256', info, privateKey);
  const csr = sequence(
    info,
    sequence(oid(OID.ecdsaWithSHA256)),
    der(0x03, Buffer.concat([Buffer.from([0]), signature])),
  );
  return {
    csrPem: pem('CERTIFICATE REQUEST', csr),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
