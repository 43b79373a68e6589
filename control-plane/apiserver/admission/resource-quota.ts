// The ResourceQuota admission plugin (upstream plugin/pkg/admission/resourcequota): a create that
// would take a namespace over a quota's hard limits is refused with upstream's 403,
//   pods "x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2
// and an admitted object is charged at once by writing the quota's status.used (with a
// compare-and-swap on its resourceVersion, retried on conflict), so concurrent creates can not
// both slip under the limit. The ResourceQuota controller later recomputes usage from scratch
// (and gives back what deleted objects used).
import { Quantity } from '../../../api/quantity.ts';
import { registryKey } from '../registry/create-registries.ts';
import { forbiddenBecause } from '../registry/errors.ts';
import type { AdmissionPlugin } from '../registry/admission.ts';
import type { KubeObject } from '../registry/types.ts';
import { StatusError } from '../status.ts';
import {
  hardOf,
  missingPodResources,
  quotaMatches,
  toResourceList,
  typeForQuotaResource,
  usageForQuota,
  usageOf,
  type Usage,
} from '../../quota/usage.ts';
import { apiServerContext, type RegistryReader } from './reader.ts';

const quotasKey = '/v1/resourcequotas';
const maxAttempts = 5;

const listOf = (names: string[], values: Usage) =>
  names.map((n) => `${n}=${(values.get(n) ?? Quantity.fromInt(0)).toString()}`).join(',');

export function resourceQuotaAdmission(reader: RegistryReader): AdmissionPlugin {
  /** Current usage of the quota: its status where it covers every limited resource, else counted now. */
  const currentUsage = async (quota: KubeObject, namespace: string): Promise<Usage> => {
    const used = quota.status?.used ?? {};
    const hard = hardOf(quota);
    if ([...hard.keys()].every((k) => used[k] !== undefined)) {
      const out: Usage = new Map();
      for (const k of hard.keys()) out.set(k, Quantity.parse(String(used[k])));
      return out;
    }
    const lists = new Map<string, KubeObject[]>();
    for (const name of hard.keys()) {
      const rt = typeForQuotaResource(name);
      const key = rt && registryKey(rt);
      if (rt && key && !lists.has(key) && reader.has(key)) lists.set(key, await reader.list(key, namespace));
    }
    return usageForQuota(quota, (rt) => lists.get(registryKey(rt)) ?? []);
  };

  return {
    name: 'ResourceQuota',
    async validate(a) {
      if (a.operation !== 'CREATE' || !a.namespace || !reader.has(quotasKey)) return;
      const requested = usageOf(a.type, a.object);
      if (requested.size === 0) return;
      for (let attempt = 1; ; attempt++) {
        const quotas = (await reader.list(quotasKey, a.namespace)).sort((x, y) =>
          x.metadata!.name < y.metadata!.name ? -1 : 1,
        );
        const charges: { quota: KubeObject; used: Usage }[] = [];
        for (const quota of quotas) {
          if (!quotaMatches(quota, a.type, a.object)) continue;
          const hard = hardOf(quota);
          const limited = [...requested.keys()].filter((k) => hard.has(k)).sort();
          if (a.type.group === '' && a.type.plural === 'pods') {
            const missing = missingPodResources(quota, a.object);
            if (missing.length > 0)
              throw forbiddenBecause(
                { group: a.type.group, resource: a.type.plural },
                a.name,
                `failed quota: ${quota.metadata!.name}: must specify ${missing.join('; ')}`,
              );
          }
          if (limited.length === 0) continue;
          const used = await currentUsage(quota, a.namespace);
          const next: Usage = new Map(used);
          for (const k of limited) next.set(k, (used.get(k) ?? Quantity.fromInt(0)).add(requested.get(k)!));
          const exceeded = limited.filter((k) => next.get(k)!.cmp(hard.get(k)!) > 0);
          if (exceeded.length > 0)
            throw forbiddenBecause(
              { group: a.type.group, resource: a.type.plural },
              a.name,
              `exceeded quota: ${quota.metadata!.name}, requested: ${listOf(exceeded, requested)}, used: ${listOf(exceeded, used)}, limited: ${listOf(exceeded, hard)}`,
            );
          charges.push({ quota, used: next });
        }
        if (a.dryRun || charges.length === 0) return;
        try {
          for (const { quota, used } of charges) {
            await reader.registry(quotasKey).update(
              apiServerContext(),
              a.namespace,
              quota.metadata!.name,
              {
                // A copy: listed objects are shared with the registry's cache, and update
                // normalizes the metadata it is given.
                ...structuredClone(quota),
                status: {
                  hard: toResourceList(hardOf(quota)),
                  used: { ...quota.status?.used, ...toResourceList(used) },
                },
              },
              'status',
            );
          }
          return;
        } catch (err) {
          // Another write charged the quota first: count again on fresh data.
          const conflict = err instanceof StatusError && err.code === 409;
          if (!conflict || attempt >= maxAttempts) throw err;
        }
      }
    },
  };
}
