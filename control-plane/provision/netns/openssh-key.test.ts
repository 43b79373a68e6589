import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { describe, expect, it, onTestFinished } from 'vitest';
import { generateSshKeyPair } from './keys.ts';
import { openSshPrivateKey, openSshPublicKey } from './openssh-key.ts';

/** Seed 36 gives the public key 0000 1f8b...: the leading zeros ssh2's own generator drops. */
const zeroLedKey = createPrivateKey({
  key: Buffer.from(`302e020100300506032b657004220420${'00'.repeat(31)}24`, 'hex'),
  format: 'der',
  type: 'pkcs8',
});

function parse(text: string) {
  const parsed = ssh2.utils.parseKey(text);
  if (parsed instanceof Error) throw parsed;
  return Array.isArray(parsed) ? parsed[0]! : parsed;
}

describe('OpenSSH ed25519 keys', () => {
  it('writes a key whose public half starts with zero bytes so that ssh-keygen and ssh2 read it', () => {
    const rawPublic = Buffer.from(createPublicKey(zeroLedKey).export({ format: 'jwk' }).x!, 'base64url');
    expect(rawPublic.subarray(0, 2)).toEqual(Buffer.from([0, 0]));
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-key-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'id_ed25519');
    writeFileSync(file, openSshPrivateKey(zeroLedKey, 'flotilla@demo'), { mode: 0o600 });
    const publicLine = openSshPublicKey(zeroLedKey, 'flotilla@demo');

    // OpenSSH itself derives the same public key from the file, comment included.
    expect(execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim()).toBe(publicLine);
    // ssh2 (our client) reads both halves, and what it signs verifies with the original key.
    const key = parse(openSshPrivateKey(zeroLedKey, 'flotilla@demo'));
    expect(key.getPublicSSH()).toEqual(parse(publicLine).getPublicSSH());
    const data = Buffer.from('session id');
    expect(verify(null, data, createPublicKey(zeroLedKey), key.sign(data) as Buffer)).toBe(true);
  });

  it('generates pairs that always parse, their two halves matching', () => {
    // The old generator failed about one pair in 256: of 600, nearly surely at least one.
    for (let i = 0; i < 600; i++) {
      const pair = generateSshKeyPair('x');
      expect(parse(pair.privateKey).getPublicSSH()).toEqual(parse(pair.publicKey).getPublicSSH());
    }
  });

  it('refuses a key that is not ed25519', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => openSshPublicKey(privateKey, '')).toThrow('not an ed25519 private key');
  });
});
