// The desktop's secret store. Electron's binary cannot run on our build machines, so
// `safeStorage` is FakeSafeStorage (fake-safe-storage.ts), which follows Electron's documented
// behaviour (throws when encryption is unavailable or the ciphertext is not its own; Linux
// reports its backend, basic_text without a keyring). The files are real.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSafeStorage } from './fake-safe-storage.ts';
import { SecretDecryptError, SecretStore } from './secret-store.ts';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-secrets-'));
  file = join(dir, 'userData', 'secrets.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const onDisk = () => readFileSync(file, 'utf8');

describe('secret store', () => {
  it('keeps secrets encrypted by the OS keyring, in a file only the user can read', () => {
    const store = new SecretStore(file, new FakeSafeStorage(), 'linux');
    expect(store.protection()).toEqual({ level: 'os-keyring', backend: 'gnome_libsecret' });
    store.set('ssh-host/lab/passphrase', 'correct horse');
    expect(store.get('ssh-host/lab/passphrase')).toBe('correct horse');
    expect(onDisk()).not.toContain('correct horse');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'userData')).mode & 0o777).toBe(0o700);
    expect(store.names()).toEqual(['ssh-host/lab/passphrase']);
    store.delete('ssh-host/lab/passphrase');
    expect(store.get('ssh-host/lab/passphrase')).toBeUndefined();
    expect(store.names()).toEqual([]);
  });

  it('says that basic_text on Linux only hides secrets', () => {
    const store = new SecretStore(file, new FakeSafeStorage({ backend: 'basic_text' }), 'linux');
    const protection = store.protection();
    expect(protection).toMatchObject({ level: 'obfuscated', backend: 'basic_text' });
    expect('warning' in protection && protection.warning).toMatch(/does not protect/);
    store.set('token', 's3cret');
    expect(onDisk()).not.toContain('s3cret');
    expect(store.get('token')).toBe('s3cret');
  });

  it('asks for the backend only on Linux', () => {
    const store = new SecretStore(file, new FakeSafeStorage({ backend: 'basic_text' }), 'darwin');
    expect(store.protection()).toEqual({ level: 'os-keyring' });
  });

  it('falls back to a 0600 plain file with a warning, and encrypts it once a keyring appears', () => {
    const safeStorage = new FakeSafeStorage({ available: false });
    const store = new SecretStore(file, safeStorage, 'linux');
    expect(store.protection()).toMatchObject({ level: 'plain-file' });
    expect(store.protection()).toHaveProperty('warning', expect.stringContaining(file));
    store.set('token', 's3cret');
    expect(onDisk()).toContain('s3cret');
    expect(statSync(file).mode & 0o777).toBe(0o600);

    safeStorage.available = true;
    expect(store.get('token')).toBe('s3cret');
    expect(onDisk()).not.toContain('s3cret');
    expect(store.get('token')).toBe('s3cret');
  });

  it('works without safeStorage at all (plain Node)', () => {
    const store = new SecretStore(file, undefined);
    store.set('a', 'b');
    expect(store.get('a')).toBe('b');
    expect(store.protection().level).toBe('plain-file');
  });

  it('says which secret to enter again when the keyring changed', () => {
    new SecretStore(file, new FakeSafeStorage(), 'linux').set('token', 's3cret');
    // Another keyring (another user, a reset keychain): decryptString throws.
    const other = new SecretStore(file, new FakeSafeStorage(), 'linux');
    expect(() => other.get('token')).toThrow(SecretDecryptError);
    expect(() => other.get('token')).toThrow(/token cannot be decrypted/);
    // Encrypted secrets with encryption gone are unreadable too, never returned as ciphertext.
    const none = new SecretStore(file, new FakeSafeStorage({ available: false }), 'linux');
    expect(() => none.get('token')).toThrow(SecretDecryptError);
  });
});
