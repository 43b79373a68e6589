// The LimitRanger admission plugin (upstream plugin/pkg/admission/limitranger): a namespace's
// LimitRanges fill in missing container requests and limits (`default`, `defaultRequest`) and
// refuse pods and claims outside `min`, `max` and `maxLimitRequestRatio`, with upstream's
// messages, e.g.
//   pods "x" is forbidden: maximum cpu usage per Container is 1, but limit is 2
// (several violations are listed in brackets, comma separated, like upstream's aggregate).
import { Quantity, tryParseQuantity } from '../../../api/quantity.ts';
import { forbiddenBecause } from '../registry/errors.ts';
import type { AdmissionAttributes, AdmissionPlugin } from '../registry/admission.ts';
import type { KubeObject } from '../registry/types.ts';
import type { RegistryReader } from './reader.ts';

export const limitRangerAnnotation = 'kubernetes.io/limit-ranger';
type ResourceList = Record<string, string>;

const isPods = (a: AdmissionAttributes) => a.type.group === '' && a.type.plural === 'pods';
const isClaims = (a: AdmissionAttributes) =>
  a.type.group === '' && a.type.plural === 'persistentvolumeclaims';

/** Upstream requestLimitEnforcedValues: compare in milli-units when they fit, else whole units. */
function observed(q: Quantity | undefined, enforced: Quantity): number {
  if (!q) return 0;
  const big = enforced.value() > Number.MAX_SAFE_INTEGER / 1000;
  return big ? q.value() : q.milliValue();
}
const enforcedValue = (enforced: Quantity) =>
  enforced.value() > Number.MAX_SAFE_INTEGER / 1000 ? enforced.value() : enforced.milliValue();

function minConstraint(
  limitType: string,
  name: string,
  min: Quantity,
  req: ResourceList,
  lim: ResourceList,
): string | undefined {
  const r = tryParseQuantity(req[name]);
  const l = tryParseQuantity(lim[name]);
  if (!r) return `minimum ${name} usage per ${limitType} is ${min}.  No request is specified`;
  if (observed(r, min) < enforcedValue(min))
    return `minimum ${name} usage per ${limitType} is ${min}, but request is ${r}`;
  if (l && observed(l, min) < enforcedValue(min))
    return `minimum ${name} usage per ${limitType} is ${min}, but limit is ${l}`;
  return undefined;
}

function maxConstraint(
  limitType: string,
  name: string,
  max: Quantity,
  req: ResourceList,
  lim: ResourceList,
): string | undefined {
  const r = tryParseQuantity(req[name]);
  const l = tryParseQuantity(lim[name]);
  if (!l) return `maximum ${name} usage per ${limitType} is ${max}.  No limit is specified`;
  if (observed(l, max) > enforcedValue(max))
    return `maximum ${name} usage per ${limitType} is ${max}, but limit is ${l}`;
  if (r && observed(r, max) > enforcedValue(max))
    return `maximum ${name} usage per ${limitType} is ${max}, but request is ${r}`;
  return undefined;
}

function ratioConstraint(
  limitType: string,
  name: string,
  ratio: Quantity,
  req: ResourceList,
  lim: ResourceList,
): string | undefined {
  const r = observed(tryParseQuantity(req[name]), ratio);
  const l = observed(tryParseQuantity(lim[name]), ratio);
  if (!r)
    return `${name} max limit to request ratio per ${limitType} is ${ratio}, but no request is specified or request is 0`;
  if (!l)
    return `${name} max limit to request ratio per ${limitType} is ${ratio}, but no limit is specified or limit is 0`;
  const provided = l / r;
  if (provided * 1000 > ratio.milliValue())
    return `${name} max limit to request ratio per ${limitType} is ${ratio}, but provided ratio is ${provided.toFixed(6)}`;
  return undefined;
}

/** Every min/max/ratio violation of one item against these requests and limits. */
function checkItem(limitType: string, item: KubeObject, req: ResourceList, lim: ResourceList): string[] {
  const errs: (string | undefined)[] = [];
  for (const [name, v] of Object.entries<string>(item.min ?? {})) {
    const q = tryParseQuantity(v);
    if (q) errs.push(minConstraint(limitType, name, q, req, lim));
  }
  for (const [name, v] of Object.entries<string>(item.max ?? {})) {
    const q = tryParseQuantity(v);
    if (q) errs.push(maxConstraint(limitType, name, q, req, lim));
  }
  for (const [name, v] of Object.entries<string>(item.maxLimitRequestRatio ?? {})) {
    const q = tryParseQuantity(v);
    if (q) errs.push(ratioConstraint(limitType, name, q, req, lim));
  }
  return errs.filter((e): e is string => e !== undefined);
}

const sumInto = (into: ResourceList, from: ResourceList | undefined) => {
  for (const [k, v] of Object.entries(from ?? {})) {
    const q = tryParseQuantity(v);
    if (!q) continue;
    into[k] = (tryParseQuantity(into[k]) ?? Quantity.fromInt(0)).add(q).toString();
  }
};

/** Upstream's aggregate error text. */
const aggregate = (errs: string[]) => (errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`);

export function limitRangerAdmission(reader: RegistryReader): AdmissionPlugin {
  const itemsOf = async (namespace: string, type: string): Promise<KubeObject[]> => {
    if (!reader.has('/v1/limitranges')) return [];
    const ranges = await reader.list('/v1/limitranges', namespace);
    return ranges.flatMap((lr) => (lr.spec?.limits ?? []).filter((i: KubeObject) => i.type === type));
  };

  return {
    name: 'LimitRanger',
    async admit(a) {
      if (a.operation !== 'CREATE' || !isPods(a) || !a.namespace) return;
      const items = await itemsOf(a.namespace, 'Container');
      if (items.length === 0) return;
      const pod = a.object;
      const notes: string[] = [];
      const fill = (containers: KubeObject[] | undefined, field: string) => {
        for (const c of containers ?? []) {
          c.resources ??= {};
          const set = { request: [] as string[], limit: [] as string[] };
          for (const item of items) {
            for (const [k, v] of Object.entries<string>(item.default ?? {}))
              if ((c.resources.limits ??= {})[k] === undefined) {
                c.resources.limits[k] = v;
                set.limit.push(k);
              }
            for (const [k, v] of Object.entries<string>(item.defaultRequest ?? {}))
              if ((c.resources.requests ??= {})[k] === undefined) {
                c.resources.requests[k] = v;
                set.request.push(k);
              }
          }
          if (Object.keys(c.resources.limits ?? {}).length === 0) delete c.resources.limits;
          if (Object.keys(c.resources.requests ?? {}).length === 0) delete c.resources.requests;
          if (set.request.length > 0)
            notes.push(`${set.request.sort().join(', ')} request for ${field} ${c.name}`);
          if (set.limit.length > 0) notes.push(`${set.limit.sort().join(', ')} limit for ${field} ${c.name}`);
        }
      };
      fill(pod.spec?.initContainers, 'init container');
      fill(pod.spec?.containers, 'container');
      if (notes.length > 0) {
        pod.metadata ??= {};
        pod.metadata.annotations = {
          ...pod.metadata.annotations,
          [limitRangerAnnotation]: `LimitRanger plugin set: ${notes.join('; ')}`,
        };
      }
    },
    async validate(a) {
      if (a.operation !== 'CREATE' || !a.namespace || !(isPods(a) || isClaims(a))) return;
      const errs: string[] = [];
      if (isPods(a)) {
        const containers = [...(a.object.spec?.initContainers ?? []), ...(a.object.spec?.containers ?? [])];
        for (const item of await itemsOf(a.namespace, 'Container'))
          for (const c of containers)
            errs.push(
              ...checkItem('Container', item, c.resources?.requests ?? {}, c.resources?.limits ?? {}),
            );
        const podItems = await itemsOf(a.namespace, 'Pod');
        if (podItems.length > 0) {
          const req: ResourceList = {};
          const lim: ResourceList = {};
          for (const c of a.object.spec?.containers ?? []) {
            sumInto(req, c.resources?.requests);
            sumInto(lim, c.resources?.limits);
          }
          for (const item of podItems) errs.push(...checkItem('Pod', item, req, lim));
        }
      } else {
        const res = a.object.spec?.resources ?? {};
        for (const item of await itemsOf(a.namespace, 'PersistentVolumeClaim'))
          errs.push(...checkItem('PersistentVolumeClaim', item, res.requests ?? {}, res.limits ?? {}));
      }
      if (errs.length > 0)
        throw forbiddenBecause({ group: a.type.group, resource: a.type.plural }, a.name, aggregate(errs));
    },
  };
}
