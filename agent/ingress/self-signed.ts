// The ingress's default certificate: self-signed, like ingress-nginx's "Kubernetes Ingress
// Controller Fake Certificate". Written with Node's crypto and the agent's small DER writer
// (agent/bootstrap/der.ts): an X.509 library here cost every agent ~3 MiB of heap (issue #6).
import { generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import { bits, der, generalNames, oid, OID, octets, pem, sequence, set, utf8 } from '../bootstrap/der.ts';

export interface PemPair {
  cert: string;
  key: string;
}

// Starts a few minutes back so a client whose clock runs slightly behind still accepts it.
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const VALIDITY_MS = 365 * 24 * 60 * 60 * 1000;

/** A self-signed ECDSA P-256 certificate for `commonName` and `hosts` (DNS names or IPs). */
export async function selfSignedCertificate(commonName: string, hosts: string[] = []): Promise<PemPair> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('ec', { namedCurve: 'P-256' });
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // a positive DER INTEGER
  const now = Date.now();
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8(value)));
  const name = sequence(rdn(OID.commonName, commonName), rdn(OID.organization, 'Flotilla'));
  const extension = (id: string, critical: boolean, value: Buffer) =>
    sequence(oid(id), ...(critical ? [der(0x01, Buffer.from([0xff]))] : []), octets(value));
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))), // v3
    der(0x02, serial),
    sequence(oid(OID.ecdsaWithSHA256)),
    name,
    sequence(time(new Date(now - CLOCK_SKEW_MS)), time(new Date(now + VALIDITY_MS))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    der(
      0xa3,
      sequence(
        extension(OID.basicConstraints, true, sequence()), // not a CA
        // digitalSignature and keyEncipherment: bits 0 and 2 of the first byte, 5 unused bits.
        extension(OID.keyUsage, true, der(0x03, Buffer.from([5, 0xa0]))),
        extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
        extension(
          OID.subjectAltName,
          false,
          sequence(
            ...generalNames(
              hosts.filter((h) => isIP(h) === 0),
              hosts.filter((h) => isIP(h) !== 0),
            ),
          ),
        ),
      ),
    ),
  );
  const cert = sequence(tbs, sequence(oid(OID.ecdsaWithSHA256)), bits(sign('sha256', tbs, privateKey)));
  return { cert: pem('CERTIFICATE', cert), key: pkcs8Pem(privateKey) };
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z'); // YYYYMMDDHHMMSSZ
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(iso.slice(2))) : der(0x18, Buffer.from(iso));
}

function pkcs8Pem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}
