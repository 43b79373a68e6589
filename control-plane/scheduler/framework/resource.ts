// Compute resources as plain numbers (milli-CPU, bytes, counts), parsed once per pod or node so
// filtering and scoring never touch quantity strings. Like upstream's framework.Resource and
// resourcehelper.PodRequests.
import { toBytes, toMilli } from '../../../api/quantity.ts';
import type { Container, Pod, ResourceList } from '../../../api/types/index.ts';

export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Allocatable pod slots (nodes only). */
  allowedPodNumber: number;
  /** Extended resources and hugepages, by name (absent when there are none). */
  scalar?: Map<string, number>;
}

export const emptyResource = (): Resource => ({
  milliCPU: 0,
  memory: 0,
  ephemeralStorage: 0,
  allowedPodNumber: 0,
});

/** Requests the scheduler assumes for containers that ask for nothing, when scoring (upstream's non-zero defaults). */
export const defaultMilliCPURequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

// Pods repeat a handful of quantity strings ("100m", "128Mi"): parse each once.
const parsed = new Map<string, number>();

function quantity(name: string, value: string | number): number {
  const key = `${name === 'cpu' ? 'm' : 'b'}${value}`;
  let n = parsed.get(key);
  if (n !== undefined) return n;
  try {
    n = name === 'cpu' ? toMilli(value) : toBytes(value);
  } catch {
    n = 0; // validation refuses bad quantities; a stray one must not break scheduling
  }
  if (parsed.size >= 4096) parsed.clear();
  parsed.set(key, n);
  return n;
}

/** A ResourceList as numbers. */
export function resourceFromList(list: ResourceList | undefined): Resource {
  const r = emptyResource();
  if (!list) return r;
  for (const [name, value] of Object.entries(list)) {
    const n = quantity(name, value);
    switch (name) {
      case 'cpu':
        r.milliCPU = n;
        break;
      case 'memory':
        r.memory = n;
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage = n;
        break;
      case 'pods':
        r.allowedPodNumber = n;
        break;
      default:
        (r.scalar ??= new Map()).set(name, n);
    }
  }
  return r;
}

export function addTo(into: Resource, r: Resource, sign = 1): void {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  into.allowedPodNumber += sign * r.allowedPodNumber;
  if (r.scalar) {
    into.scalar ??= new Map();
    for (const [k, v] of r.scalar) into.scalar.set(k, (into.scalar.get(k) ?? 0) + sign * v);
  }
}

function maxInto(into: Resource, r: Resource): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  if (r.scalar) {
    into.scalar ??= new Map();
    for (const [k, v] of r.scalar) into.scalar.set(k, Math.max(into.scalar.get(k) ?? 0, v));
  }
}

export const cloneResource = (r: Resource): Resource => ({
  ...r,
  scalar: r.scalar ? new Map(r.scalar) : undefined,
});

/** A container's requests; limits stand in for missing requests, as API defaulting does. */
function containerRequests(c: Container, nonZero: boolean): Resource {
  const req = { ...c.resources?.limits, ...c.resources?.requests };
  const r = resourceFromList(req);
  if (nonZero) {
    if (req.cpu === undefined) r.milliCPU = defaultMilliCPURequest;
    if (req.memory === undefined) r.memory = defaultMemoryRequest;
  }
  return r;
}

/**
 * What a pod needs on a node: the sum of its containers, or more while an init container runs
 * (the largest init container, plus the sidecars started before it), plus pod overhead.
 * `nonZero` counts containers without requests as 100m CPU and 200Mi (for scoring only).
 */
export function podRequests(pod: Pod, nonZero = false): Resource {
  const total = emptyResource();
  for (const c of pod.spec?.containers ?? []) addTo(total, containerRequests(c, nonZero));
  const sidecars = emptyResource();
  const initPeak = emptyResource();
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      // A sidecar keeps running next to the app containers.
      addTo(sidecars, r);
      const atStart = cloneResource(sidecars);
      maxInto(initPeak, atStart);
    } else {
      const running = cloneResource(sidecars);
      addTo(running, r);
      maxInto(initPeak, running);
    }
  }
  addTo(total, sidecars);
  maxInto(total, initPeak);
  if (pod.spec?.overhead) addTo(total, resourceFromList(pod.spec.overhead));
  total.allowedPodNumber = 0;
  return total;
}
