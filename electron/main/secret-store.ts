// Secrets the desktop app keeps between runs (a passphrase or token the user typed), in one
// 0600 file under userData, each value encrypted with Electron's safeStorage when the OS offers
// real protection (Keychain, DPAPI, libsecret/KWallet). On Linux with no keyring Electron
// falls back to `basic_text`: a hard-coded key, so that counts as obfuscated, not protected;
// without safeStorage at all values are stored as they are. Both say so (protection()), and
// the app shows it. No Electron import: main passes `safeStorage`, tests a fake.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The part of Electron's `safeStorage` used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: basic_text | gnome_libsecret | kwallet | kwallet5 | kwallet6 | unknown. */
  getSelectedStorageBackend?(): string;
}

export type SecretProtection =
  | { level: 'os-keyring'; backend?: string }
  | { level: 'obfuscated'; backend: 'basic_text'; warning: string }
  | { level: 'plain-file'; warning: string };

interface StoredSecret {
  /** safeStorage: base64 of encryptString's output; plain: the value itself. */
  encoding: 'safeStorage' | 'plain';
  data: string;
}

interface SecretFile {
  version: 1;
  secrets: Record<string, StoredSecret>;
}

export class SecretDecryptError extends Error {
  constructor(readonly secret: string) {
    super(`the secret ${secret} cannot be decrypted (the OS keyring or user changed); enter it again`);
    this.name = 'SecretDecryptError';
  }
}

export class SecretStore {
  constructor(
    private readonly file: string,
    private readonly safeStorage: SafeStorageLike | undefined,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** How well secrets are kept right now (ask after app ready: safeStorage needs it). */
  protection(): SecretProtection {
    if (!this.safeStorage?.isEncryptionAvailable())
      return {
        level: 'plain-file',
        warning: `no OS keyring is available: secrets are kept unencrypted in ${this.file} (readable only by you)`,
      };
    const backend = this.platform === 'linux' ? this.safeStorage.getSelectedStorageBackend?.() : undefined;
    if (backend === 'basic_text')
      return {
        level: 'obfuscated',
        backend,
        warning:
          'no keyring (GNOME Keyring, KWallet) is running: secrets are encrypted with a fixed key, which hides them but does not protect them',
      };
    return { level: 'os-keyring', ...(backend ? { backend } : {}) };
  }

  names(): string[] {
    return Object.keys(this.read().secrets).sort();
  }

  /** The secret, or undefined when there is none; throws SecretDecryptError when it is unreadable. */
  get(name: string): string | undefined {
    const stored = this.read().secrets[name];
    if (!stored) return undefined;
    if (stored.encoding === 'plain') {
      // Kept plain when there was no keyring: encrypt it now that there is one.
      if (this.encrypts()) this.set(name, stored.data);
      return stored.data;
    }
    if (!this.safeStorage?.isEncryptionAvailable()) throw new SecretDecryptError(name);
    try {
      return this.safeStorage.decryptString(Buffer.from(stored.data, 'base64'));
    } catch {
      throw new SecretDecryptError(name);
    }
  }

  set(name: string, value: string): void {
    const contents = this.read();
    contents.secrets[name] = this.encrypts()
      ? { encoding: 'safeStorage', data: this.safeStorage!.encryptString(value).toString('base64') }
      : { encoding: 'plain', data: value };
    this.write(contents);
  }

  delete(name: string): void {
    const contents = this.read();
    if (!(name in contents.secrets)) return;
    delete contents.secrets[name];
    this.write(contents);
  }

  private encrypts(): boolean {
    return this.safeStorage?.isEncryptionAvailable() === true;
  }

  private read(): SecretFile {
    if (!existsSync(this.file)) return { version: 1, secrets: {} };
    const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<SecretFile>;
    return { version: 1, secrets: parsed.secrets ?? {} };
  }

  /** Written whole to a 0600 temp file, then renamed: never half a file, never readable by others. */
  private write(contents: SecretFile): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600); // mode is only applied when the file is created
    renameSync(temp, this.file);
  }
}
