// The data directory's encryption configuration (<dataDir>/encryption-config.yaml, 0600): created
// on first use with a fresh AES-256 key for Secrets, rotated by putting a new key first. Rotation
// takes effect when the API server next loads the file; values are re-encrypted as they are
// rewritten (e.g. `kubectl get secrets -A -o json | kubectl replace -f -`), as upstream.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readTextIfExists, writePrivateFile } from '../pki/files.ts';
import {
  parseEncryptionConfiguration,
  ResourceTransformers,
  ruleMatches,
  stringifyEncryptionConfiguration,
  type EncryptionConfiguration,
  type KeyConfiguration,
} from './encryption-config.ts';

export const ENCRYPTION_CONFIG_FILE = 'encryption-config.yaml';

export const newKey = (name: string): KeyConfiguration => ({
  name,
  secret: randomBytes(32).toString('base64'),
});

export function defaultEncryptionConfiguration(): EncryptionConfiguration {
  return {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'EncryptionConfiguration',
    resources: [
      { resources: ['secrets'], providers: [{ aesgcm: { keys: [newKey('key1')] } }, { identity: {} }] },
    ],
  };
}

export interface EncryptionAtRest {
  path: string;
  transformers: ResourceTransformers;
}

/** Loads `<dataDir>/encryption-config.yaml`, creating it (with a new key) if it does not exist. */
export function ensureEncryptionAtRest(dataDir: string): EncryptionAtRest {
  const path = join(dataDir, ENCRYPTION_CONFIG_FILE);
  const text = readTextIfExists(path);
  let config: EncryptionConfiguration;
  if (text === undefined) {
    config = defaultEncryptionConfiguration();
    writePrivateFile(path, stringifyEncryptionConfiguration(config));
  } else {
    config = parseEncryptionConfiguration(text, path);
  }
  return { path, transformers: new ResourceTransformers(config) };
}

/**
 * Adds a new first key to the aesgcm provider that encrypts `resource` (default: secrets), keeping
 * the old keys for reading. Returns the new key's name.
 */
export function rotateEncryptionKey(dataDir: string, resource = 'secrets'): string {
  const { path, transformers } = ensureEncryptionAtRest(dataDir);
  const config = structuredClone(transformers.config);
  const entry = config.resources.find((e) => e.resources.some((rule) => ruleMatches(rule, resource)));
  const provider = entry?.providers.find((p) => 'aesgcm' in p);
  if (!entry || !provider || !('aesgcm' in provider)) {
    throw new Error(`${path}: no aesgcm provider encrypts ${resource}; nothing to rotate`);
  }
  const taken = new Set(
    config.resources
      .flatMap((e) => e.providers.flatMap((p) => ('aesgcm' in p ? p.aesgcm.keys : [])))
      .map((k) => k.name),
  );
  let n = taken.size + 1;
  while (taken.has(`key${n}`)) n++;
  provider.aesgcm.keys.unshift(newKey(`key${n}`));
  // The aesgcm provider must also be the writer, so move it in front of identity if needed.
  entry.providers = [provider, ...entry.providers.filter((p) => p !== provider)];
  writePrivateFile(path, stringifyEncryptionConfiguration(config));
  return `key${n}`;
}
