// ed25519 keys in OpenSSH format: one client key per cluster (the control plane's identity
// on every node) and one host key per node (which the control plane pins).
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openSshPrivateKey, openSshPublicKey } from './openssh-key.ts';

export interface SshKeyPair {
  privateKey: string; // OpenSSH PEM
  publicKey: string; // "ssh-ed25519 AAAA... comment"
}

export function generateSshKeyPair(comment: string): SshKeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: openSshPrivateKey(privateKey, comment),
    publicKey: `${openSshPublicKey(privateKey, comment)}\n`,
  };
}

/** Reads the pair at `file` / `file.pub`, creating it first if missing. */
export function ensureSshKeyPair(file: string, comment: string): SshKeyPair {
  if (!existsSync(file) || !existsSync(`${file}.pub`)) {
    const pair = generateSshKeyPair(comment);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, pair.privateKey, { mode: 0o600 });
    writeFileSync(`${file}.pub`, pair.publicKey, { mode: 0o644 });
  }
  return { privateKey: readFileSync(file, 'utf8'), publicKey: readFileSync(`${file}.pub`, 'utf8') };
}

/** The key blob of an authorized_keys-style line: what an SSH server presents as its host key. */
export function publicKeyBlob(publicKeyLine: string): Buffer {
  const base64 = publicKeyLine.trim().split(/\s+/)[1];
  if (!base64) throw new Error(`not an OpenSSH public key: ${publicKeyLine}`);
  return Buffer.from(base64, 'base64');
}
