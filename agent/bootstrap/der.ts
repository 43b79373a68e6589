// Just enough DER (ITU-T X.690) to write the few X.509 structures the agent makes itself: its
// certificate requests (pkcs10.ts) and the ingress's self-signed default certificate. Node's
// crypto makes the keys and signatures; an X.509 library (and its ~3 MiB of heap) stays out of
// the agent bundle.
import { isIP } from 'node:net';

/** Tag, length, contents. */
export function der(tag: number, ...contents: Buffer[]): Buffer {
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

export const sequence = (...c: Buffer[]) => der(0x30, ...c);
export const set = (...c: Buffer[]) => der(0x31, ...c);
export const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));
export const octets = (b: Buffer) => der(0x04, b);
/** A BIT STRING of whole bytes (no unused bits). */
export const bits = (b: Buffer) => der(0x03, Buffer.concat([Buffer.from([0]), b]));

export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [a! * 40 + b!];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

export const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  extensionRequest: '1.2.840.113549.1.9.14',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
};

/** An IPv4 or IPv6 address as the 4 or 16 bytes of a subjectAltName iPAddress. */
export function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // Expand "::" and write 8 groups of 16 bits.
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

/** GeneralNames: dNSName for names, iPAddress for addresses. */
export function generalNames(dnsNames: string[], ips: string[]): Buffer[] {
  return [
    ...dnsNames.map((d) => der(0x82, Buffer.from(d, 'ascii'))),
    ...ips.map((ip) => der(0x87, ipBytes(ip))),
  ];
}

/** PEM armour around DER bytes. */
export function pem(label: string, bytes: Buffer): string {
  const body = bytes
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}
