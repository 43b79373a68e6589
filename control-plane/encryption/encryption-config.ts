// kube-apiserver's EncryptionConfiguration (apiserver.config.k8s.io/v1), the subset we support:
// per-resource provider lists of `aesgcm` (keys) and `identity`. Users who know upstream's file
// can read and edit ours; we turn it into one ValueTransformer per resource.
import { parse, stringify } from 'yaml';
import { AesGcmTransformer, type AesKey } from './aes-gcm.ts';
import { identityTransformer, ProviderChain, type PrefixedTransformer } from './provider-chain.ts';
import type { ValueTransformer } from './value-transformer.ts';

export interface KeyConfiguration {
  name: string;
  /** Base64 of 16, 24 or 32 random bytes. */
  secret: string;
}

export type ProviderConfiguration =
  { aesgcm: { keys: KeyConfiguration[] } } | { identity: Record<string, never> };

export interface ResourceConfiguration {
  /** "secrets", "configmaps", "deployments.apps", "*.apps", "*.*"... */
  resources: string[];
  providers: ProviderConfiguration[];
}

export interface EncryptionConfiguration {
  apiVersion: 'apiserver.config.k8s.io/v1';
  kind: 'EncryptionConfiguration';
  resources: ResourceConfiguration[];
}

const SUPPORTED = 'aesgcm, identity';

export function parseEncryptionConfiguration(
  text: string,
  source = 'encryption configuration',
): EncryptionConfiguration {
  const fail = (why: string): never => {
    throw new Error(`${source}: ${why}`);
  };
  const doc = parse(text) as Partial<EncryptionConfiguration> | null;
  if (doc?.kind !== 'EncryptionConfiguration' || doc.apiVersion !== 'apiserver.config.k8s.io/v1') {
    fail('expected kind EncryptionConfiguration, apiVersion apiserver.config.k8s.io/v1');
  }
  if (!Array.isArray(doc!.resources) || doc!.resources.length === 0)
    fail('resources must be a non-empty list');
  doc!.resources!.forEach((entry, i) => {
    const at = `resources[${i}]`;
    if (!Array.isArray(entry.resources) || entry.resources.length === 0)
      fail(`${at}.resources must be a non-empty list`);
    if (!Array.isArray(entry.providers) || entry.providers.length === 0)
      fail(`${at}.providers must be a non-empty list`);
    entry.providers.forEach((provider, j) => {
      const kinds = Object.keys(provider ?? {});
      if (kinds.length !== 1) fail(`${at}.providers[${j}] must name exactly one provider`);
      if (kinds[0] === 'identity') return;
      if (kinds[0] !== 'aesgcm')
        fail(`${at}.providers[${j}]: provider "${kinds[0]}" is not supported (supported: ${SUPPORTED})`);
      const keys = (provider as { aesgcm: { keys?: KeyConfiguration[] } }).aesgcm?.keys;
      if (!Array.isArray(keys) || keys.length === 0)
        fail(`${at}.providers[${j}].aesgcm.keys must be a non-empty list`);
      try {
        keys!.forEach((k) => new AesGcmTransformer(toAesKey(k)));
      } catch (err) {
        fail(`${at}.providers[${j}].aesgcm: ${(err as Error).message}`);
      }
    });
  });
  return doc as EncryptionConfiguration;
}

export function stringifyEncryptionConfiguration(config: EncryptionConfiguration): string {
  return stringify(config);
}

function toAesKey(key: KeyConfiguration): AesKey {
  return { name: key.name, secret: Buffer.from(key.secret ?? '', 'base64') };
}

/** Whether a rule ("secrets", "*.apps", "*." for the core group, "*.*") covers a resource. */
export function ruleMatches(rule: string, resource: string): boolean {
  if (rule === '*.*') return true;
  const dot = resource.indexOf('.');
  const group = dot < 0 ? '' : resource.slice(dot + 1);
  if (rule.startsWith('*.')) return rule.slice(2) === group;
  // "secrets" and "secrets." both mean the core group's secrets.
  return rule.replace(/\.$/, '') === resource.replace(/\.$/, '');
}

function chainFor(providers: ProviderConfiguration[]): ValueTransformer {
  const prefixed: PrefixedTransformer[] = [];
  const writers: ValueTransformer[] = [];
  for (const provider of providers) {
    if ('identity' in provider) {
      writers.push(identityTransformer);
      continue;
    }
    for (const key of provider.aesgcm.keys) {
      const transformer = new AesGcmTransformer(toAesKey(key));
      prefixed.push({ prefix: transformer.prefix, transformer });
      writers.push(transformer);
    }
  }
  return new ProviderChain(prefixed, writers[0]!);
}

/** One transformer per resource; resources no rule covers are stored as plaintext. */
export class ResourceTransformers {
  private readonly cache = new Map<string, ValueTransformer>();

  constructor(readonly config: EncryptionConfiguration) {}

  /** `resource` is "secrets" for the core group, "<resource>.<group>" otherwise. */
  forResource(resource: string): ValueTransformer {
    let transformer = this.cache.get(resource);
    if (!transformer) {
      // The first entry that names the resource decides, as upstream's.
      const entry = this.config.resources.find((e) =>
        e.resources.some((rule) => ruleMatches(rule, resource)),
      );
      transformer = entry ? chainFor(entry.providers) : identityTransformer;
      this.cache.set(resource, transformer);
    }
    return transformer;
  }
}
