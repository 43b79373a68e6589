// The admission plugins the API server runs, in upstream's order: one literal registry of
// name -> factory. `admissionPlugins(options)` is what createRegistries takes.
import type { AdmissionFactory, AdmissionPlugin } from '../registry/admission.ts';
import type { ResourceRegistry } from '../registry/types.ts';
import {
  defaultTolerationSecondsAdmission,
  type DefaultTolerationSecondsOptions,
} from './default-toleration-seconds.ts';
import { defaultStorageClassAdmission } from './default-storage-class.ts';
import { limitRangerAdmission } from './limit-ranger.ts';
import { nodeRestrictionAdmission } from './node-restriction.ts';
import { priorityAdmission } from './priority.ts';
import { RegistryReader } from './reader.ts';
import { resourceQuotaAdmission } from './resource-quota.ts';
import { serviceAccountAdmission } from './service-account.ts';

export interface AdmissionOptions {
  defaultTolerationSeconds?: DefaultTolerationSecondsOptions;
  /** Plugins to leave out, by name (e.g. `ResourceQuota`). */
  disabled?: string[];
  /** Read quotas, limit ranges, priority classes... from watch caches (default true). */
  watchCache?: boolean;
}

type PluginFactory = (reader: RegistryReader, opts: AdmissionOptions) => AdmissionPlugin;

/** Upstream's recommended order: mutating defaults first, quota last. */
export const admissionPluginFactories: Record<string, PluginFactory> = {
  LimitRanger: (reader) => limitRangerAdmission(reader),
  ServiceAccount: (reader) => serviceAccountAdmission(reader),
  Priority: (reader) => priorityAdmission(reader),
  DefaultTolerationSeconds: (_reader, opts) =>
    defaultTolerationSecondsAdmission(opts.defaultTolerationSeconds),
  DefaultStorageClass: (reader) => defaultStorageClassAdmission(reader),
  ResourceQuota: (reader) => resourceQuotaAdmission(reader),
  NodeRestriction: () => nodeRestrictionAdmission(),
};

export function admissionPlugins(opts: AdmissionOptions = {}): AdmissionFactory {
  const disabled = new Set(opts.disabled ?? []);
  return (registries: ReadonlyMap<string, ResourceRegistry>) => {
    const reader = new RegistryReader(registries, opts.watchCache ?? true);
    return Object.entries(admissionPluginFactories)
      .filter(([name]) => !disabled.has(name))
      .map(([, make]) => make(reader, opts));
  };
}
