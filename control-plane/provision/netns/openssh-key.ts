// An ed25519 key in OpenSSH's own formats: the "openssh-key-v1" private key file (unencrypted)
// and the one-line public key. Written here from Node's key objects because ssh2's key
// generator drops the leading zero bytes of a public key that starts with them (1 key in 256;
// mscdex/ssh2#1513), and then neither ssh2 nor sshd can read the key.
// Format: https://github.com/openssh/openssh-portable/blob/master/PROTOCOL.key
import { randomBytes, type KeyObject } from 'node:crypto';

const KEY_TYPE = 'ssh-ed25519';
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
/** The private section is padded to the cipher's block size; 8 for "none". */
const BLOCK = 8;

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

/** An SSH wire "string": a 4-byte big-endian length, then the bytes. */
function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

/** The raw 32-byte seed and public key of an ed25519 private key object. */
function rawEd25519(privateKey: KeyObject): { seed: Buffer; publicKey: Buffer } {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an ed25519 private key');
  const jwk = privateKey.export({ format: 'jwk' });
  return { seed: Buffer.from(jwk.d!, 'base64url'), publicKey: Buffer.from(jwk.x!, 'base64url') };
}

/** The public key blob: what `ssh-ed25519 <base64>` carries and what an sshd presents. */
function publicBlob(publicKey: Buffer): Buffer {
  return Buffer.concat([sshString(KEY_TYPE), sshString(publicKey)]);
}

/** `ssh-ed25519 AAAA... comment`, as in id_ed25519.pub and authorized_keys. */
export function openSshPublicKey(privateKey: KeyObject, comment: string): string {
  const blob = publicBlob(rawEd25519(privateKey).publicKey);
  return `${KEY_TYPE} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;
}

/** The private key file, as `ssh-keygen -t ed25519 -N ''` writes it. */
export function openSshPrivateKey(privateKey: KeyObject, comment: string): string {
  const { seed, publicKey } = rawEd25519(privateKey);
  const check = randomBytes(4);
  const section = [
    check,
    check,
    sshString(KEY_TYPE),
    sshString(publicKey),
    sshString(Buffer.concat([seed, publicKey])), // OpenSSH keeps the seed and public key together
    sshString(comment),
  ];
  const unpadded = section.reduce((n, part) => n + part.length, 0);
  const padding = Buffer.from(Array.from({ length: (BLOCK - (unpadded % BLOCK)) % BLOCK }, (_, i) => i + 1));
  const body = Buffer.concat([
    MAGIC,
    sshString('none'), // cipher
    sshString('none'), // KDF
    sshString(''), // KDF options
    uint32(1), // number of keys
    sshString(publicBlob(publicKey)),
    sshString(Buffer.concat([...section, padding])),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g)!;
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}
