// A PKCS#10 certificate request (RFC 2986) made with Node's own crypto: an ECDSA P-256 key and
// a DER-encoded request signed with it. The agent needs only this one structure, so it is
// written out here rather than pulling an X.509 library (and the control plane's PKI) into the
// agent bundle. The control plane parses and verifies it with @peculiar/x509 (pki/csr.ts).
import { generateKeyPairSync, sign } from 'node:crypto';
import { isIP } from 'node:net';

export interface RequestSubject {
  commonName: string;
  organizations?: string[];
}

export interface RequestAltNames {
  dnsNames: string[];
  ips: string[];
}

// DER: tag, length, contents.
function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const sequence = (...c: Buffer[]) => der(0x30, ...c);
const set = (...c: Buffer[]) => der(0x31, ...c);
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [a! * 40 + b!];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  extensionRequest: '1.2.840.113549.1.9.14',
  subjectAltName: '2.5.29.17',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
};

/** Name: O first then CN, one attribute per RDN, as Go's pkix.Name writes them. */
function name(subject: RequestSubject): Buffer {
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8(value)));
  return sequence(
    ...(subject.organizations ?? []).map((o) => rdn(OID.organization, o)),
    rdn(OID.commonName, subject.commonName),
  );
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // Expand "::" and write 8 groups of 16 bits.
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

function attributes(altNames: RequestAltNames | undefined): Buffer {
  const names = [
    ...(altNames?.dnsNames ?? []).map((d) => der(0x82, Buffer.from(d, 'ascii'))),
    ...(altNames?.ips ?? []).map((ip) => der(0x87, ipBytes(ip))),
  ];
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
  const body = csr
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return {
    csrPem: `-----BEGIN CERTIFICATE REQUEST-----\n${body}\n-----END CERTIFICATE REQUEST-----\n`,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
