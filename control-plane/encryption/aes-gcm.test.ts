import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AesGcmTransformer } from './aes-gcm.ts';
import { DecryptionError } from './errors.ts';

const key = { name: 'key1', secret: randomBytes(32) };
const secretJson = Buffer.from(JSON.stringify({ kind: 'Secret', data: { password: 'hunter2-very-secret' } }));
const at = '/registry/secrets/default/db';

describe('AesGcmTransformer', () => {
  const aes = new AesGcmTransformer(key);

  it('stores ciphertext under the upstream prefix and reads the value back', () => {
    const stored = aes.toStorage(at, secretJson);
    expect(Buffer.from(stored).subarray(0, 23).toString()).toBe('k8s:enc:aesgcm:v1:key1:');
    expect(Buffer.from(stored).includes(Buffer.from('hunter2'))).toBe(false);
    expect(Buffer.from(aes.fromStorage(at, stored))).toEqual(secretJson);
  });

  it('uses a fresh nonce for every write', () => {
    expect(Buffer.from(aes.toStorage(at, secretJson))).not.toEqual(
      Buffer.from(aes.toStorage(at, secretJson)),
    );
  });

  it('refuses a value moved to another storage key', () => {
    const stored = aes.toStorage(at, secretJson);
    expect(() => aes.fromStorage('/registry/secrets/default/other', stored)).toThrow(DecryptionError);
    expect(() => aes.fromStorage('/registry/secrets/default/other', stored)).toThrow(
      'failed to decrypt the value stored at /registry/secrets/default/other with key "key1": authentication failed',
    );
  });

  it('refuses a value with any byte changed, and a truncated one', () => {
    const stored = Buffer.from(aes.toStorage(at, secretJson));
    for (const offset of [23, 23 + 12, stored.length - 1]) {
      const tampered = Buffer.from(stored);
      tampered[offset]! ^= 0x01;
      expect(() => aes.fromStorage(at, tampered)).toThrow(/authentication failed/);
    }
    expect(() => aes.fromStorage(at, stored.subarray(0, 30))).toThrow(/truncated/);
  });

  it('refuses a value written with another key of the same name', () => {
    const other = new AesGcmTransformer({ name: 'key1', secret: randomBytes(32) });
    expect(() => aes.fromStorage(at, other.toStorage(at, secretJson))).toThrow(/authentication failed/);
  });

  it('supports AES-128 and AES-192 keys, and rejects other sizes and names with ":"', () => {
    for (const size of [16, 24]) {
      const t = new AesGcmTransformer({ name: `k${size}`, secret: randomBytes(size) });
      expect(Buffer.from(t.fromStorage(at, t.toStorage(at, secretJson)))).toEqual(secretJson);
    }
    expect(() => new AesGcmTransformer({ name: 'k', secret: randomBytes(20) })).toThrow(/16, 24 or 32 bytes/);
    expect(() => new AesGcmTransformer({ name: 'a:b', secret: randomBytes(32) })).toThrow(/invalid key name/);
  });
});
