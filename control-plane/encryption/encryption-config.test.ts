import { describe, expect, it } from 'vitest';
import { newKey } from './encryption-at-rest.ts';
import {
  parseEncryptionConfiguration,
  ResourceTransformers,
  ruleMatches,
  stringifyEncryptionConfiguration,
  type EncryptionConfiguration,
  type ProviderConfiguration,
} from './encryption-config.ts';
import { UnknownEncryptionKeyError } from './errors.ts';

const at = '/registry/secrets/default/db';
const value = Buffer.from('{"data":{"token":"c3VwZXItc2VjcmV0"}}');
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

function config(...providers: ProviderConfiguration[]): EncryptionConfiguration {
  return {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'EncryptionConfiguration',
    resources: [{ resources: ['secrets'], providers }],
  };
}

describe('ResourceTransformers', () => {
  it('encrypts the configured resources and leaves the others as they are', () => {
    const t = new ResourceTransformers(config({ aesgcm: { keys: [newKey('key1')] } }, { identity: {} }));
    expect(text(t.forResource('secrets').toStorage(at, value))).toMatch(/^k8s:enc:aesgcm:v1:key1:/);
    expect(text(t.forResource('configmaps').toStorage('/registry/configmaps/default/c', value))).toBe(
      text(value),
    );
  });

  it('reads values written before encryption was turned on', () => {
    const t = new ResourceTransformers(config({ aesgcm: { keys: [newKey('key1')] } }));
    expect(Buffer.from(t.forResource('secrets').fromStorage(at, value))).toEqual(value);
  });

  it('rotates keys: writes with the first key, reads with any configured one', () => {
    const key1 = newKey('key1');
    const before = new ResourceTransformers(config({ aesgcm: { keys: [key1] } })).forResource('secrets');
    const old = before.toStorage(at, value);

    const after = new ResourceTransformers(config({ aesgcm: { keys: [newKey('key2'), key1] } })).forResource(
      'secrets',
    );
    expect(Buffer.from(after.fromStorage(at, old))).toEqual(value);
    const rewritten = after.toStorage(at, value);
    expect(text(rewritten)).toMatch(/^k8s:enc:aesgcm:v1:key2:/);

    // Once key1 is dropped, what it wrote can no longer be read, and the error says why.
    const dropped = new ResourceTransformers(config({ aesgcm: { keys: [newKey('key2')] } })).forResource(
      'secrets',
    );
    expect(() => dropped.fromStorage(at, old)).toThrow(UnknownEncryptionKeyError);
    expect(() => dropped.fromStorage(at, old)).toThrow(
      /encrypted \(k8s:enc:aesgcm:v1:key1:\.\.\.\) with a key that is not/,
    );
  });

  it('decrypts with identity first (encryption being turned off) but writes plaintext', () => {
    const key1 = newKey('key1');
    const on = new ResourceTransformers(config({ aesgcm: { keys: [key1] } })).forResource('secrets');
    const off = new ResourceTransformers(config({ identity: {} }, { aesgcm: { keys: [key1] } })).forResource(
      'secrets',
    );
    expect(Buffer.from(off.fromStorage(at, on.toStorage(at, value)))).toEqual(value);
    expect(Buffer.from(off.toStorage(at, value))).toEqual(value);
  });

  it('never hands out ciphertext for a resource that is not configured', () => {
    const t = new ResourceTransformers(config({ aesgcm: { keys: [newKey('key1')] } }));
    const stored = t.forResource('secrets').toStorage(at, value);
    expect(() => t.forResource('configmaps').fromStorage(at, stored)).toThrow(UnknownEncryptionKeyError);
  });
});

describe('ruleMatches', () => {
  it('follows upstream resource names and wildcards', () => {
    expect(ruleMatches('secrets', 'secrets')).toBe(true);
    expect(ruleMatches('secrets.', 'secrets')).toBe(true);
    expect(ruleMatches('secrets', 'configmaps')).toBe(false);
    expect(ruleMatches('*.apps', 'deployments.apps')).toBe(true);
    expect(ruleMatches('*.apps', 'secrets')).toBe(false);
    expect(ruleMatches('*.', 'secrets')).toBe(true);
    expect(ruleMatches('*.*', 'widgets.example.com')).toBe(true);
  });
});

describe('parseEncryptionConfiguration', () => {
  it('reads back what it writes', () => {
    const c = config({ aesgcm: { keys: [newKey('key1')] } }, { identity: {} });
    expect(parseEncryptionConfiguration(stringifyEncryptionConfiguration(c))).toEqual(c);
  });

  it('reads an upstream EncryptionConfiguration file', () => {
    const yaml = `
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets, configmaps]
    providers:
      - aesgcm:
          keys:
            - name: key1
              secret: c2VjcmV0IGlzIHNlY3VyZQ==
      - identity: {}
`;
    const t = new ResourceTransformers(parseEncryptionConfiguration(yaml));
    expect(text(t.forResource('configmaps').toStorage('/k', value))).toMatch(/^k8s:enc:aesgcm:v1:key1:/);
  });

  it('explains what is wrong', () => {
    expect(() => parseEncryptionConfiguration('kind: Pod', 'f.yaml')).toThrow(
      /^f\.yaml: expected kind EncryptionConfiguration/,
    );
    const withProvider = (p: string) =>
      `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources: [secrets]\n    providers:\n      - ${p}\n`;
    expect(() => parseEncryptionConfiguration(withProvider('secretbox: {keys: []}'))).toThrow(
      'resources[0].providers[0]: provider "secretbox" is not supported (supported: aesgcm, identity)',
    );
    expect(() =>
      parseEncryptionConfiguration(withProvider('aesgcm: {keys: [{name: k, secret: c2hvcnQ=}]}')),
    ).toThrow(/key "k" is 5 bytes/);
  });
});
