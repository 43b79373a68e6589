// What objects cost against a ResourceQuota (upstream pkg/quota/v1/evaluator/core): the usage
// each object contributes per quota resource name, which quotas apply to it (scopes), and the
// total usage of a namespace. Shared by the ResourceQuota admission plugin (which charges a new
// object before it is stored) and the ResourceQuota controller (which keeps status.used right).
import { Quantity, tryParseQuantity } from '../../api/quantity.ts';
import { lookupResource, resourceTypes } from '../../api/resources.ts';
import type { ResourceType } from '../../api/resource-type.ts';

export type KubeObject = Record<string, any>;
export type Usage = Map<string, Quantity>;

const one = () => Quantity.fromInt(1);
const zero = () => Quantity.fromInt(0);
const isPod = (rt: Pick<ResourceType, 'group' | 'plural'>) => rt.group === '' && rt.plural === 'pods';

/** `count/pods`, `count/deployments.apps`: the generic object count name of a type. */
export const countName = (rt: Pick<ResourceType, 'group' | 'plural'>) =>
  `count/${rt.group ? `${rt.plural}.${rt.group}` : rt.plural}`;

/** Core types with a legacy object-count name of their own. */
const legacyCounts: Record<string, string> = {
  pods: 'pods',
  services: 'services',
  configmaps: 'configmaps',
  secrets: 'secrets',
  persistentvolumeclaims: 'persistentvolumeclaims',
  resourcequotas: 'resourcequotas',
  replicationcontrollers: 'replicationcontrollers',
};

/** Finished pods hold nothing (upstream QuotaV1Pod). */
export const podCountsAgainstQuota = (pod: KubeObject) =>
  pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';

function add(u: Usage, name: string, q: Quantity): void {
  u.set(name, (u.get(name) ?? zero()).add(q));
}

/** Pod requests or limits for one resource: max(sum of containers, largest init container) + overhead. */
function podResource(pod: KubeObject, kind: 'requests' | 'limits', resource: string): Quantity | undefined {
  const of = (c: KubeObject): Quantity | undefined => {
    const r = c.resources ?? {};
    return tryParseQuantity(r[kind]?.[resource] ?? (kind === 'requests' ? r.limits?.[resource] : undefined));
  };
  let sum: Quantity | undefined;
  for (const c of pod.spec?.containers ?? []) {
    const q = of(c);
    if (q) sum = (sum ?? zero()).add(q);
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const q = of(c);
    if (q && (!sum || q.cmp(sum) > 0)) sum = q;
  }
  const overhead = tryParseQuantity(pod.spec?.overhead?.[resource]);
  return sum && overhead ? sum.add(overhead) : sum;
}

const computeResources = ['cpu', 'memory', 'ephemeral-storage'];

/** Every resource name the object is charged under (upstream Evaluator.Usage). */
export function usageOf(rt: Pick<ResourceType, 'group' | 'plural'>, obj: KubeObject): Usage {
  const u: Usage = new Map();
  if (isPod(rt) && !podCountsAgainstQuota(obj)) return u;
  u.set(countName(rt), one());
  const legacy = rt.group === '' ? legacyCounts[rt.plural] : undefined;
  if (legacy) u.set(legacy, one());
  if (isPod(rt)) {
    const names = new Set(computeResources);
    for (const c of [...(obj.spec?.containers ?? []), ...(obj.spec?.initContainers ?? [])])
      for (const kind of ['requests', 'limits'] as const)
        for (const k of Object.keys(c.resources?.[kind] ?? {})) names.add(k);
    for (const name of names) {
      const req = podResource(obj, 'requests', name);
      const lim = podResource(obj, 'limits', name);
      if (req) {
        add(u, `requests.${name}`, req);
        if (computeResources.includes(name)) add(u, name, req);
      }
      if (lim) add(u, `limits.${name}`, lim);
    }
  } else if (rt.group === '' && rt.plural === 'services') {
    const type = obj.spec?.type ?? 'ClusterIP';
    if (type === 'LoadBalancer') u.set('services.loadbalancers', one());
    if (type === 'NodePort' || type === 'LoadBalancer')
      u.set('services.nodeports', Quantity.fromInt((obj.spec?.ports ?? []).length));
  } else if (rt.group === '' && rt.plural === 'persistentvolumeclaims') {
    const storage = tryParseQuantity(obj.spec?.resources?.requests?.storage);
    const cls = obj.spec?.storageClassName;
    if (storage) u.set('requests.storage', storage);
    if (cls) {
      u.set(`${cls}.storageclass.storage.k8s.io/persistentvolumeclaims`, one());
      if (storage) u.set(`${cls}.storageclass.storage.k8s.io/requests.storage`, storage);
    }
  }
  return u;
}

/** The type whose objects are charged under a quota resource name, if we know it. */
export function typeForQuotaResource(name: string): ResourceType | undefined {
  const core = (plural: string) => lookupResource('', 'v1', plural);
  if (name.startsWith('count/')) {
    const rest = name.slice('count/'.length);
    const dot = rest.indexOf('.');
    const plural = dot === -1 ? rest : rest.slice(0, dot);
    const group = dot === -1 ? '' : rest.slice(dot + 1);
    return resourceTypes.find((rt) => rt.plural === plural && rt.group === group);
  }
  if (name.includes('.storageclass.storage.k8s.io/') || name === 'requests.storage')
    return core('persistentvolumeclaims');
  if (name.startsWith('services')) return core('services');
  if (legacyCounts[name]) return core(name);
  if (name.startsWith('requests.') || name.startsWith('limits.') || computeResources.includes(name))
    return core('pods');
  return undefined;
}

const isBestEffort = (pod: KubeObject) =>
  [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].every(
    (c: KubeObject) =>
      Object.keys(c.resources?.requests ?? {}).length === 0 &&
      Object.keys(c.resources?.limits ?? {}).length === 0,
  );

/** Whether a quota's scopes select this object; scoped quotas only ever select pods. */
export function quotaMatches(
  quota: KubeObject,
  rt: Pick<ResourceType, 'group' | 'plural'>,
  obj: KubeObject,
): boolean {
  const scopes: string[] = [
    ...(quota.spec?.scopes ?? []),
    ...(quota.spec?.scopeSelector?.matchExpressions ?? [])
      .filter((e: KubeObject) => e.operator === 'Exists' || e.scopeName !== 'PriorityClass')
      .map((e: KubeObject) => e.scopeName),
  ];
  if (scopes.length === 0) return true;
  if (!isPod(rt)) return false;
  return scopes.every((scope) => {
    switch (scope) {
      case 'Terminating':
        return obj.spec?.activeDeadlineSeconds !== undefined && obj.spec?.activeDeadlineSeconds !== null;
      case 'NotTerminating':
        return obj.spec?.activeDeadlineSeconds === undefined || obj.spec?.activeDeadlineSeconds === null;
      case 'BestEffort':
        return isBestEffort(obj);
      case 'NotBestEffort':
        return !isBestEffort(obj);
      case 'PriorityClass':
        return true;
      default:
        return false;
    }
  });
}

/** The quota's hard limits as quantities (unparseable entries are left out). */
export function hardOf(quota: KubeObject): Usage {
  const hard: Usage = new Map();
  for (const [k, v] of Object.entries(quota.spec?.hard ?? {})) {
    const q = tryParseQuantity(v);
    if (q) hard.set(k, q);
  }
  return hard;
}

/** Total usage under the quota of the given objects, for every resource it limits. */
export function usageForQuota(
  quota: KubeObject,
  objectsOf: (rt: ResourceType) => readonly KubeObject[],
): Usage {
  const used: Usage = new Map();
  const hard = hardOf(quota);
  const types = new Map<string, ResourceType>();
  for (const name of hard.keys()) {
    used.set(name, zero());
    const rt = typeForQuotaResource(name);
    if (rt) types.set(`${rt.group}/${rt.plural}`, rt);
  }
  for (const rt of types.values())
    for (const obj of objectsOf(rt)) {
      if (!quotaMatches(quota, rt, obj)) continue;
      for (const [name, q] of usageOf(rt, obj)) if (hard.has(name)) add(used, name, q);
    }
  return used;
}

/** As a ResourceList of canonical quantity strings. */
export function toResourceList(u: Usage): Record<string, string> {
  return Object.fromEntries(
    [...u.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, q]) => [k, q.toString()]),
  );
}

/** Compute resources a pod must state (requests or limits) because a quota limits them. */
export function missingPodResources(quota: KubeObject, pod: KubeObject): string[] {
  const missing: string[] = [];
  const hard = hardOf(quota);
  for (const name of hard.keys()) {
    const m =
      /^(requests|limits)\.(cpu|memory|ephemeral-storage)$/.exec(name) ??
      /^(cpu|memory|ephemeral-storage)$/.exec(name);
    if (!m) continue;
    const kind = m[2] ? (m[1] as 'requests' | 'limits') : 'requests';
    const resource = m[2] ?? m[1]!;
    const lacking = (pod.spec?.containers ?? [])
      .filter((c: KubeObject) => {
        const r = c.resources ?? {};
        return kind === 'limits'
          ? r.limits?.[resource] === undefined
          : r.requests?.[resource] === undefined && r.limits?.[resource] === undefined;
      })
      .map((c: KubeObject) => c.name);
    if (lacking.length > 0) missing.push(`${name} for: ${lacking.join(',')}`);
  }
  return missing;
}
