// What the Endpoints and EndpointSlice controllers share (upstream pkg/controller/util/endpoint):
// which pods back a service, how a service port resolves on a pod (named targetPorts look up
// the container port of that name), and the per-pod endpoint facts.
import type { KubeObject, SharedIndexInformer } from '../../api/client/index.ts';
import { LabelMatcher } from '../../api/labels/index.ts';
import type { Pod, Service, ServicePort } from '../../api/types/index.ts';
import type { Kube } from './controller.ts';

export type PodObj = Kube<Pod>;
export type ServiceObj = Kube<Service>;

/** The service's selector, or undefined for a service without one (its endpoints are the user's). */
export function serviceSelector(svc: ServiceObj): LabelMatcher | undefined {
  const sel = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0 || svc.spec?.type === 'ExternalName') return undefined;
  return LabelMatcher.fromSet(sel);
}

/** Services in the pod's namespace whose selector matches its labels (upstream GetPodServiceMemberships). */
export function servicesSelecting(services: SharedIndexInformer<ServiceObj>, pod: KubeObject): ServiceObj[] {
  return services
    .byIndex('namespace', pod.metadata?.namespace ?? '')
    .filter((svc) => serviceSelector(svc)?.matches(pod.metadata?.labels) ?? false);
}

export const isPodReady = (pod: PodObj) =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/**
 * Whether the pod is an endpoint at all (upstream ShouldPodBeInEndpoints): it needs an IP, must
 * not have finished, and, unless terminating endpoints are wanted, must not be terminating.
 */
export function podHasEndpoint(pod: PodObj, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP) return false;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (pod.metadata?.deletionTimestamp && !includeTerminating) return false;
  return true;
}

/** The port number a service port means on this pod, or undefined if a named port is missing. */
export function resolveTargetPort(port: ServicePort, pod: PodObj): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? 'TCP';
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])])
    for (const cp of c.ports ?? [])
      if (cp.name === target && (cp.protocol ?? 'TCP') === protocol) return cp.containerPort;
  return undefined;
}

/** The DNS hostname of the pod's endpoint: set for pods whose subdomain is this headless service. */
export function endpointHostname(pod: PodObj, svc: ServiceObj): string | undefined {
  const hostname = pod.spec?.hostname;
  if (!hostname || pod.spec?.subdomain !== svc.metadata?.name) return undefined;
  return svc.spec?.clusterIP === 'None' ? hostname : undefined;
}

export const podReference = (pod: PodObj) => ({
  kind: 'Pod',
  namespace: pod.metadata?.namespace,
  name: pod.metadata?.name,
  uid: pod.metadata?.uid,
});

/** Upstream's annotation with the time of the change that triggered the update. */
export const lastChangeTriggerTimeAnnotation = 'endpoints.kubernetes.io/last-change-trigger-time';
export const headlessLabel = 'service.kubernetes.io/headless';

/** Labels the service's endpoints objects carry: the service's own, plus headless when it is. */
export function endpointLabels(svc: ServiceObj, extra: Record<string, string> = {}): Record<string, string> {
  const labels: Record<string, string> = { ...svc.metadata?.labels, ...extra };
  if (svc.spec?.clusterIP === 'None') labels[headlessLabel] = '';
  else delete labels[headlessLabel];
  return labels;
}

/** Pods in the namespace the selector picks. */
export function selectedPods(
  pods: SharedIndexInformer<PodObj>,
  svc: ServiceObj,
  selector: LabelMatcher,
): PodObj[] {
  return pods
    .byIndex('namespace', svc.metadata?.namespace ?? '')
    .filter((p) => selector.matches(p.metadata?.labels));
}

/** Deep equality of JSON values with object keys in any order. */
export function sameJson(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(norm)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>)
              .filter(([, x]) => x !== undefined)
              .sort(([x], [y]) => (x < y ? -1 : 1))
              .map(([k, x]) => [k, norm(x)]),
          )
        : v;
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/**
 * Queue a Service whenever it changes or a pod it selects does (before or after the change), and
 * return the pod trigger for callers that learn of pod changes another way (a node's zone).
 */
export function enqueueServicesAndTheirPods(
  services: SharedIndexInformer<ServiceObj>,
  pods: SharedIndexInformer<PodObj>,
  enqueue: (key: string | ServiceObj) => void,
): (...pods: PodObj[]) => void {
  services.addEventHandler({
    onAdd: (s) => enqueue(s),
    onUpdate: (_o, s) => enqueue(s),
    onDelete: (s) => enqueue(s),
  });
  const podChanged = (...changed: PodObj[]) => {
    const keys = new Set<string>();
    for (const p of changed)
      for (const svc of servicesSelecting(services, p))
        keys.add(`${svc.metadata!.namespace}/${svc.metadata!.name}`);
    for (const k of keys) enqueue(k);
  };
  pods.addEventHandler({
    onAdd: (p) => podChanged(p),
    onUpdate: (old, p) => {
      if (old.metadata?.resourceVersion !== p.metadata?.resourceVersion) podChanged(old, p);
    },
    onDelete: (p) => podChanged(p),
  });
  return podChanged;
}
