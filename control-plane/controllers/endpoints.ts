// The Endpoints controller (upstream pkg/controller/endpoint): for every Service with a
// selector, an Endpoints object of the same name listing the selected pods: ready ones under
// `addresses`, the rest under `notReadyAddresses` (all ready with publishNotReadyAddresses),
// with ports resolved per pod (named targetPorts) and subsets grouped by identical port sets.
// Services without a selector keep the Endpoints their users write; a deleted service's
// Endpoints go with it.
import { isAlreadyExists, isConflict, isNotFound, type SharedIndexInformer } from '../../api/client/index.ts';
import type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import {
  endpointHostname,
  endpointLabels,
  isPodReady,
  lastChangeTriggerTimeAnnotation,
  podHasEndpoint,
  podReference,
  resolveTargetPort,
  sameJson,
  selectedPods,
  serviceSelector,
  enqueueServicesAndTheirPods,
  type PodObj,
  type ServiceObj,
} from './endpoint-utils.ts';
import { rfc3339Seconds } from '../../api/client/event-recorder.ts';

type EndpointsObj = Kube<Endpoints>;

/** Upstream's cap on addresses in one Endpoints object (the rest are in EndpointSlices). */
export const maxEndpointsCapacity = 1000;
export const overCapacityAnnotation = 'endpoints.kubernetes.io/over-capacity';

const portKey = (ports: EndpointPort[]) =>
  JSON.stringify([...ports].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '')));
const byIp = (a: EndpointAddress, b: EndpointAddress) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);

/** The subsets for these pods (upstream's per-pod addresses then RepackSubsets). */
export function endpointSubsets(svc: ServiceObj, pods: readonly PodObj[]): EndpointSubset[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const groups = new Map<
    string,
    { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }
  >();
  for (const pod of pods) {
    if (!podHasEndpoint(pod, false)) continue;
    const ports: EndpointPort[] = [];
    for (const p of svc.spec?.ports ?? []) {
      const port = resolveTargetPort(p, pod);
      if (port === undefined) continue;
      ports.push({
        ...(p.name ? { name: p.name } : {}),
        port,
        protocol: p.protocol ?? 'TCP',
        ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
      });
    }
    // A service without ports still lists addresses (upstream: for headless services).
    if (ports.length === 0 && (svc.spec?.ports ?? []).length > 0) continue;
    const hostname = endpointHostname(pod, svc);
    const address: EndpointAddress = {
      ip: pod.status!.podIP!,
      ...(hostname ? { hostname } : {}),
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: podReference(pod),
    };
    const key = portKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    (publishNotReady || isPodReady(pod) ? g.ready : g.notReady).push(address);
  }
  return [...groups.values()]
    .map((g) => {
      const subset: EndpointSubset = {};
      if (g.ready.length > 0) subset.addresses = g.ready.sort(byIp);
      if (g.notReady.length > 0) subset.notReadyAddresses = g.notReady.sort(byIp);
      if (g.ports.length > 0) subset.ports = g.ports;
      return subset;
    })
    .sort((a, b) => portKey(a.ports ?? []).localeCompare(portKey(b.ports ?? [])));
}

/** At most `max` addresses in total, ready ones first (upstream truncateEndpoints, simplified). */
function truncate(subsets: EndpointSubset[], max: number): { subsets: EndpointSubset[]; truncated: boolean } {
  const total = subsets.reduce(
    (n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0),
    0,
  );
  if (total <= max) return { subsets, truncated: false };
  let left = max;
  const out = subsets.map((s) => {
    const addresses = (s.addresses ?? []).slice(0, left);
    left -= addresses.length;
    const notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, left);
    left -= notReadyAddresses.length;
    return { ...s, addresses, notReadyAddresses };
  });
  return { subsets: out, truncated: true };
}

export class EndpointsController extends QueueController {
  private readonly services: SharedIndexInformer<ServiceObj>;
  private readonly pods: SharedIndexInformer<PodObj>;
  private readonly endpoints: SharedIndexInformer<EndpointsObj>;

  constructor(config: ControllerConfig) {
    super('endpoint', config);
    this.services = this.informers.informerFor<ServiceObj>('v1', 'Service');
    this.pods = this.informers.informerFor<PodObj>('v1', 'Pod');
    this.endpoints = this.informers.informerFor<EndpointsObj>('v1', 'Endpoints');
    enqueueServicesAndTheirPods(this.services, this.pods, (key) => this.enqueue(key));
    // Someone else changed or removed our Endpoints: put them right.
    this.endpoints.addEventHandler({
      onUpdate: (_o, ep) => {
        if (this.services.get(`${ep.metadata!.namespace}/${ep.metadata!.name}`)) this.enqueue(ep);
      },
      onDelete: (ep) => this.enqueue(ep),
    });
  }

  protected async sync(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const svc = this.services.get(key);
    const client = this.client.resource<EndpointsObj>('v1', 'Endpoints').namespace(namespace);
    if (!svc) {
      // The service is gone: so are its Endpoints (ours or not, like upstream).
      if (this.endpoints.get(key))
        await client.delete(name).catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
      return;
    }
    const selector = serviceSelector(svc);
    if (!selector) return;
    const { subsets, truncated } = truncate(
      endpointSubsets(svc, selectedPods(this.pods, svc, selector)),
      maxEndpointsCapacity,
    );
    const labels = endpointLabels(svc);
    const current = this.endpoints.get(key);
    const annotations: Record<string, string> = { ...current?.metadata?.annotations };
    if (truncated) annotations[overCapacityAnnotation] = 'truncated';
    else delete annotations[overCapacityAnnotation];
    if (
      current &&
      sameJson(current.subsets ?? [], subsets) &&
      sameJson(current.metadata?.labels ?? {}, labels) &&
      sameJson(current.metadata?.annotations ?? {}, annotations)
    )
      return;
    annotations[lastChangeTriggerTimeAnnotation] = rfc3339Seconds(this.clock.now());
    const desired: EndpointsObj = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { ...current?.metadata, name, namespace, labels, annotations },
      subsets,
    };
    try {
      if (current) await client.update(desired);
      else await client.create({ ...desired, metadata: { name, namespace, labels, annotations } });
    } catch (err) {
      // Our cache is behind: the informer event that follows brings us back with fresh data.
      if (isConflict(err) || isAlreadyExists(err)) throw err;
      if (isNotFound(err)) return;
      this.recorder.event(
        svc,
        'Warning',
        'FailedToUpdateEndpoint',
        `Failed to update endpoint ${key}: ${(err as Error).message}`,
      );
      throw err;
    }
  }
}
