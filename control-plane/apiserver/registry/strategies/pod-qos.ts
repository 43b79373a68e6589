// A pod's QoS class (upstream pkg/apis/core/helper/qos.GetPodQOS), set once at creation: it
// decides eviction order and cgroup placement on the node, so it must not drift.
import { tryParseQuantity, type Quantity } from '../../../../api/quantity.ts';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const computeResources = ['cpu', 'memory'];

export function podQOSClass(pod: any): QOSClass {
  const spec = pod?.spec ?? {};
  const containers = [...asArray(spec.initContainers), ...asArray(spec.containers)];
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const c of containers) {
    sumPositive(c?.resources?.requests, requests);
    const found = sumPositive(c?.resources?.limits, limits);
    if (!computeResources.every((r) => found.has(r))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || lim.cmp(req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/** Adds the positive cpu/memory quantities of `list` into `into`; returns the names it saw. */
function sumPositive(list: unknown, into: Map<string, Quantity>): Set<string> {
  const seen = new Set<string>();
  if (typeof list !== 'object' || list === null) return seen;
  for (const [name, raw] of Object.entries(list)) {
    if (!computeResources.includes(name)) continue;
    const q = tryParseQuantity(raw);
    if (!q || q.sign() <= 0) continue;
    seen.add(name);
    const prev = into.get(name);
    into.set(name, prev ? prev.add(q) : q);
  }
  return seen;
}

const asArray = (v: unknown): any[] => (Array.isArray(v) ? v : []);
