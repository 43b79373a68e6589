import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENCRYPTION_CONFIG_FILE, ensureEncryptionAtRest, rotateEncryptionKey } from './encryption-at-rest.ts';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'flotilla-enc-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const at = '/registry/secrets/kube-system/bootstrap-token-abcdef';
const value = Buffer.from('{"stringData":{"token-secret":"0123456789abcdef"}}');

describe('ensureEncryptionAtRest', () => {
  it('creates a private configuration with a fresh key on first use and reuses it afterwards', () => {
    const first = ensureEncryptionAtRest(dataDir);
    expect(first.path).toBe(join(dataDir, ENCRYPTION_CONFIG_FILE));
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.path, 'utf8')).toMatch(
      /kind: EncryptionConfiguration[\s\S]*aesgcm:[\s\S]*name: key1/,
    );

    const stored = first.transformers.forResource('secrets').toStorage(at, value);
    // After a restart the same key decrypts what was written before.
    const second = ensureEncryptionAtRest(dataDir);
    expect(Buffer.from(second.transformers.forResource('secrets').fromStorage(at, stored))).toEqual(value);
  });

  it('creates the data directory if it does not exist yet', () => {
    const { path } = ensureEncryptionAtRest(join(dataDir, 'clusters', 'new'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('gives every data directory its own key', () => {
    const other = mkdtempSync(join(tmpdir(), 'flotilla-enc-'));
    try {
      const stored = ensureEncryptionAtRest(dataDir).transformers.forResource('secrets').toStorage(at, value);
      expect(() =>
        ensureEncryptionAtRest(other).transformers.forResource('secrets').fromStorage(at, stored),
      ).toThrow(/authentication failed/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('rotateEncryptionKey', () => {
  it('writes with the new key and still reads the old one', () => {
    const stored = ensureEncryptionAtRest(dataDir).transformers.forResource('secrets').toStorage(at, value);
    expect(rotateEncryptionKey(dataDir)).toBe('key2');
    const secrets = ensureEncryptionAtRest(dataDir).transformers.forResource('secrets');
    expect(Buffer.from(secrets.fromStorage(at, stored))).toEqual(value);
    expect(Buffer.from(secrets.toStorage(at, value)).toString('latin1')).toMatch(/^k8s:enc:aesgcm:v1:key2:/);
    expect(statSync(join(dataDir, ENCRYPTION_CONFIG_FILE)).mode & 0o777).toBe(0o600);
    expect(rotateEncryptionKey(dataDir)).toBe('key3');
  });
});

describe('Secrets on disk', () => {
  it('never contain the plaintext in the database file', () => {
    const secrets = ensureEncryptionAtRest(dataDir).transformers.forResource('secrets');
    const dbPath = join(dataDir, 'state.db');
    const db = new Database(dbPath);
    try {
      db.exec('CREATE TABLE kv (key TEXT PRIMARY KEY, value BLOB)');
      db.prepare('INSERT INTO kv VALUES (?, ?)').run(at, Buffer.from(secrets.toStorage(at, value)));
      const row = db.prepare('SELECT value FROM kv WHERE key = ?').get(at) as { value: Buffer };
      expect(Buffer.from(secrets.fromStorage(at, row.value))).toEqual(value);
    } finally {
      db.close();
    }
    const onDisk = readFileSync(dbPath);
    expect(onDisk.includes(Buffer.from(at))).toBe(true);
    expect(onDisk.includes(Buffer.from('0123456789abcdef'))).toBe(false);
  });
});
