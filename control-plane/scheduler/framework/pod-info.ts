// A pod as the scheduler sees it: the object plus everything derived from it that filters and
// scores read again and again (requests as numbers, parsed affinity terms). Built once per pod
// version; the object itself is shared with the informer cache and never modified.
import { metaNamespaceKey, type KubeObject } from '../../../api/client/index.ts';
import type { Pod } from '../../../api/types/index.ts';
import {
  affinityTerm,
  weightedAffinityTerm,
  type AffinityTerm,
  type WeightedAffinityTerm,
} from './affinity-term.ts';
import { podRequests, type Resource } from './resource.ts';

export interface PodInfo {
  pod: Pod;
  /** `namespace/name` */
  key: string;
  uid: string;
  namespace: string;
  labels: Record<string, string>;
  priority: number;
  requests: Resource;
  /** Requests with upstream's non-zero defaults, for scoring. */
  nonZeroRequests: Resource;
  requiredAffinityTerms: AffinityTerm[];
  requiredAntiAffinityTerms: AffinityTerm[];
  preferredAffinityTerms: WeightedAffinityTerm[];
  preferredAntiAffinityTerms: WeightedAffinityTerm[];
  /** Host ports the pod asks for. */
  hostPorts: HostPort[];
}

/** `namespace/name`, the informer's key. */
export const podKey = (pod: Pod): string => metaNamespaceKey(pod as KubeObject);

export function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}

export interface HostPort {
  /** `TCP/8080`: ports conflict when these match and their IPs overlap. */
  protocolPort: string;
  /** 0.0.0.0 when the port binds every address. */
  ip: string;
}

function hostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({ protocolPort: `${p.protocol ?? 'TCP'}/${p.hostPort}`, ip: p.hostIP || '0.0.0.0' });
    }
  }
  return out;
}

export function newPodInfo(pod: Pod): PodInfo {
  const affinity = pod.spec?.affinity;
  const pa = affinity?.podAffinity;
  const paa = affinity?.podAntiAffinity;
  return {
    pod,
    key: podKey(pod),
    uid: pod.metadata?.uid ?? '',
    namespace: pod.metadata?.namespace ?? '',
    labels: pod.metadata?.labels ?? {},
    priority: podPriority(pod),
    requests: podRequests(pod),
    nonZeroRequests: podRequests(pod, true),
    requiredAffinityTerms: (pa?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
      affinityTerm(pod, t),
    ),
    requiredAntiAffinityTerms: (paa?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
      affinityTerm(pod, t),
    ),
    preferredAffinityTerms: (pa?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
      weightedAffinityTerm(pod, t),
    ),
    preferredAntiAffinityTerms: (paa?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) =>
      weightedAffinityTerm(pod, t),
    ),
    hostPorts: hostPorts(pod),
  };
}

/**
 * A newer version of the same pod: what comes from its spec (requests, affinity, ports) is
 * kept, since a bound pod's spec does not change in ways that matter here; metadata is fresh.
 */
export function updatedPodInfo(old: PodInfo, pod: Pod): PodInfo {
  if (old.uid !== (pod.metadata?.uid ?? '')) return newPodInfo(pod);
  return { ...old, pod, labels: pod.metadata?.labels ?? {} };
}

export const hasAffinity = (pi: PodInfo): boolean =>
  pi.requiredAffinityTerms.length > 0 ||
  pi.requiredAntiAffinityTerms.length > 0 ||
  pi.preferredAffinityTerms.length > 0 ||
  pi.preferredAntiAffinityTerms.length > 0;
