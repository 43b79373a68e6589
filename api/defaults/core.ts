// Defaults of the smaller core/v1 kinds: Namespace, Secret, Node, Endpoints, LimitRange,
// ResourceQuota (upstream pkg/apis/core/v1/defaults.go and the strategies' create-time fields).
import {
  canonicalizeResourceList,
  child,
  eachObject,
  isObject,
  setDefault,
  setDefaultString,
} from './helpers.ts';

export const namespaceNameLabel = 'kubernetes.io/metadata.name';

export function defaultNamespace(obj: any): void {
  if (!isObject(obj)) return;
  const meta = child(obj, 'metadata');
  if (meta && typeof meta.name === 'string' && meta.name !== '') {
    const labels = child(meta, 'labels');
    if (labels) labels[namespaceNameLabel] = meta.name;
  }
  // spec.finalizers ["kubernetes"] is the create strategy's job (upstream PrepareForCreate), not a
  // default: defaults run on every write, and the namespace controller empties that list.
  const status = child(obj, 'status');
  if (status) setDefaultString(status, 'phase', 'Active');
}

/** base64 of a string's UTF-8 bytes, in browsers and Node alike. */
function base64(s: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(s)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** type Opaque, and stringData folded into data (upstream does this when converting v1 to internal). */
export function defaultSecret(obj: any): void {
  if (!isObject(obj)) return;
  setDefaultString(obj, 'type', 'Opaque');
  if (isObject(obj.stringData)) {
    const data = child(obj, 'data');
    if (data)
      for (const [k, v] of Object.entries(obj.stringData)) if (typeof v === 'string') data[k] = base64(v);
    delete obj.stringData;
  }
}

export function defaultNode(obj: any): void {
  if (!isObject(obj)) return;
  if (isObject(obj.status)) {
    canonicalizeResourceList(obj.status.capacity);
    canonicalizeResourceList(obj.status.allocatable);
    if (
      isObject(obj.status.capacity) &&
      (obj.status.allocatable === undefined || obj.status.allocatable === null)
    )
      obj.status.allocatable = { ...obj.status.capacity };
  }
}

export function defaultEndpoints(obj: any): void {
  if (!isObject(obj)) return;
  eachObject(obj.subsets, (ss) => eachObject(ss.ports, (p) => setDefaultString(p, 'protocol', 'TCP')));
}

export function defaultEndpointSlice(obj: any): void {
  if (!isObject(obj)) return;
  eachObject(obj.ports, (p) => {
    setDefault(p, 'name', '');
    setDefaultString(p, 'protocol', 'TCP');
  });
}

/** Container limits: default from max, defaultRequest from default, then from min. */
export function defaultLimitRange(obj: any): void {
  if (!isObject(obj) || !isObject(obj.spec)) return;
  eachObject(obj.spec.limits, (item) => {
    for (const f of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'])
      canonicalizeResourceList(item[f]);
    if (item.type !== 'Container') return;
    const dflt = { ...(isObject(item.default) ? item.default : {}) };
    const request = { ...(isObject(item.defaultRequest) ? item.defaultRequest : {}) };
    for (const [k, v] of Object.entries(isObject(item.max) ? item.max : {}))
      if (!Object.hasOwn(dflt, k)) dflt[k] = v;
    for (const [k, v] of Object.entries(dflt)) if (!Object.hasOwn(request, k)) request[k] = v;
    for (const [k, v] of Object.entries(isObject(item.min) ? item.min : {}))
      if (!Object.hasOwn(request, k)) request[k] = v;
    if (Object.keys(dflt).length && (item.default === undefined || isObject(item.default)))
      item.default = dflt;
    if (Object.keys(request).length && (item.defaultRequest === undefined || isObject(item.defaultRequest)))
      item.defaultRequest = request;
  });
}

export function defaultResourceQuota(obj: any): void {
  if (!isObject(obj)) return;
  if (isObject(obj.spec)) canonicalizeResourceList(obj.spec.hard);
  if (isObject(obj.status)) {
    canonicalizeResourceList(obj.status.hard);
    canonicalizeResourceList(obj.status.used);
  }
}
