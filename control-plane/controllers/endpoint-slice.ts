// The EndpointSlice controller (upstream pkg/controller/endpointslice): for every Service with a
// selector, discovery.k8s.io/v1 EndpointSlices of at most 100 endpoints, labelled
// kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io
// and owned by the Service (the garbage collector removes them with it). Each endpoint carries
// ready / serving / terminating conditions, its node and zone, the pod reference and, for pods
// whose subdomain is a headless service, a hostname. Pods whose named target ports resolve to
// different numbers land in different slices (one port set per slice).
//
// Reconciling keeps endpoints where they are: a slice keeps the endpoints still wanted (updated
// in place), loses the ones that went, and new endpoints fill free room before new slices are
// made, so a rolling update rewrites few slices (upstream's reconciler does the same).
import { isNotFound, type SharedIndexInformer } from '../../api/client/index.ts';
import type { Endpoint, EndpointSlice, EndpointSlicePort, Node } from '../../api/types/index.ts';
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

type SliceObj = Kube<EndpointSlice>;

export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const controllerName = 'endpointslice-controller.k8s.io';
export const zoneLabel = 'topology.kubernetes.io/zone';
/** --max-endpoints-per-slice default. */
export const defaultMaxEndpointsPerSlice = 100;

/** How long unseen writes hold a service's syncs back at most. */
const expectationTimeoutMs = 30_000;

export interface EndpointSliceControllerConfig extends ControllerConfig {
  maxEndpointsPerSlice?: number;
}

interface DesiredGroup {
  ports: EndpointSlicePort[];
  /** By pod uid (the endpoint's identity). */
  endpoints: Map<string, Endpoint>;
}

const portsKey = (ports: readonly EndpointSlicePort[] | undefined) =>
  JSON.stringify([...(ports ?? [])].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '')));
const endpointId = (e: Endpoint) => e.targetRef?.uid ?? e.addresses[0] ?? '';
const byAddress = (a: Endpoint, b: Endpoint) =>
  a.addresses[0]! < b.addresses[0]! ? -1 : a.addresses[0]! > b.addresses[0]! ? 1 : 0;

/** The endpoints each port set should have (upstream's desired state). */
export function desiredEndpoints(
  svc: ServiceObj,
  pods: readonly PodObj[],
  zoneOf: (node: string) => string | undefined,
): Map<string, DesiredGroup> {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const groups = new Map<string, DesiredGroup>();
  for (const pod of pods) {
    if (!podHasEndpoint(pod, true)) continue;
    const ports: EndpointSlicePort[] = [];
    for (const p of svc.spec?.ports ?? []) {
      const port = resolveTargetPort(p, pod);
      if (port === undefined) continue;
      ports.push({
        name: p.name ?? '',
        port,
        protocol: p.protocol ?? 'TCP',
        ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
      });
    }
    const terminating = !!pod.metadata?.deletionTimestamp;
    const serving = publishNotReady || isPodReady(pod);
    const hostname = endpointHostname(pod, svc);
    const node = pod.spec?.nodeName;
    const zone = node ? zoneOf(node) : undefined;
    const endpoint: Endpoint = {
      addresses: [pod.status!.podIP!],
      conditions: { ready: serving && !terminating, serving, terminating },
      ...(hostname ? { hostname } : {}),
      targetRef: podReference(pod),
      ...(node ? { nodeName: node } : {}),
      ...(zone ? { zone } : {}),
    };
    const key = portsKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: new Map() }));
    g.endpoints.set(endpointId(endpoint), endpoint);
  }
  return groups;
}

export interface SlicePlan {
  create: { ports: EndpointSlicePort[]; endpoints: Endpoint[] }[];
  update: { slice: SliceObj; endpoints: Endpoint[] }[];
  delete: SliceObj[];
}

/** How to get from the existing slices to the desired endpoints, moving as few endpoints as possible. */
export function planSlices(
  existing: readonly SliceObj[],
  desired: Map<string, DesiredGroup>,
  max: number,
): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const byPorts = new Map<string, SliceObj[]>();
  for (const s of existing) {
    const k = portsKey(s.ports);
    if (!desired.has(k)) plan.delete.push(s);
    else byPorts.set(k, [...(byPorts.get(k) ?? []), s]);
  }
  for (const [k, group] of desired) {
    const pending = new Map(group.endpoints);
    const kept: { slice: SliceObj; endpoints: Endpoint[] }[] = [];
    for (const slice of (byPorts.get(k) ?? []).sort((a, b) =>
      a.metadata!.name! < b.metadata!.name! ? -1 : 1,
    )) {
      const endpoints: Endpoint[] = [];
      for (const e of slice.endpoints ?? []) {
        const want = pending.get(endpointId(e));
        if (!want || endpoints.length >= max) continue;
        endpoints.push(want);
        pending.delete(endpointId(e));
      }
      kept.push({ slice, endpoints });
    }
    // New endpoints fill the room left in kept slices, then new slices.
    const rest = [...pending.values()].sort(byAddress);
    for (const k2 of kept)
      while (k2.endpoints.length < max && rest.length > 0) k2.endpoints.push(rest.shift()!);
    for (const k2 of kept) {
      if (k2.endpoints.length === 0 && (kept.length > 1 || group.endpoints.size > 0)) {
        plan.delete.push(k2.slice);
        continue;
      }
      k2.endpoints.sort(byAddress);
      plan.update.push(k2);
    }
    while (rest.length > 0) plan.create.push({ ports: group.ports, endpoints: rest.splice(0, max) });
    if (kept.length === 0 && group.endpoints.size === 0)
      plan.create.push({ ports: group.ports, endpoints: [] });
  }
  return plan;
}

export class EndpointSliceController extends QueueController {
  readonly maxEndpointsPerSlice: number;
  private readonly services: SharedIndexInformer<ServiceObj>;
  private readonly pods: SharedIndexInformer<PodObj>;
  private readonly nodes: SharedIndexInformer<Kube<Node>>;
  private readonly slices: SharedIndexInformer<SliceObj>;
  /**
   * Our writes the cache has not shown yet, per service: slice key -> resourceVersion (or
   * 'deleted'). While any is outstanding the cache is stale for that service and a sync would
   * act twice (upstream's endpointSliceTracker).
   */
  private readonly expected = new Map<string, { at: number; slices: Map<string, string> }>();

  constructor(config: EndpointSliceControllerConfig) {
    super('endpointslice', config);
    this.maxEndpointsPerSlice = config.maxEndpointsPerSlice ?? defaultMaxEndpointsPerSlice;
    if (
      !Number.isInteger(this.maxEndpointsPerSlice) ||
      this.maxEndpointsPerSlice < 1 ||
      this.maxEndpointsPerSlice > 1000
    )
      throw new Error(
        `endpointslice: maxEndpointsPerSlice must be 1..1000, got ${this.maxEndpointsPerSlice}`,
      );
    this.services = this.informers.informerFor<ServiceObj>('v1', 'Service');
    this.pods = this.informers.informerFor<PodObj>('v1', 'Pod');
    this.nodes = this.informers.informerFor<Kube<Node>>('v1', 'Node');
    this.slices = this.informers.informerFor<SliceObj>('discovery.k8s.io/v1', 'EndpointSlice', {
      indexers: {
        service: (s) => {
          const name = s.metadata?.labels?.[serviceNameLabel];
          const managed = s.metadata?.labels?.[managedByLabel] === controllerName;
          return name && managed ? [`${s.metadata!.namespace}/${name}`] : [];
        },
      },
    });
    const podChanged = enqueueServicesAndTheirPods(this.services, this.pods, (key) => this.enqueue(key));
    // A node's zone appears in its endpoints.
    this.nodes.addEventHandler({
      onUpdate: (old, n) => {
        if (old.metadata?.labels?.[zoneLabel] === n.metadata?.labels?.[zoneLabel]) return;
        const pods = this.pods.list().filter((p) => p.spec?.nodeName === n.metadata?.name);
        podChanged(...pods);
      },
    });
    const sliceChanged = (s: SliceObj) => {
      const name = s.metadata?.labels?.[serviceNameLabel];
      if (name && s.metadata?.labels?.[managedByLabel] === controllerName)
        this.enqueue(`${s.metadata!.namespace}/${name}`);
    };
    const seen = (s: SliceObj, deleted: boolean) => {
      const svc = `${s.metadata!.namespace}/${s.metadata?.labels?.[serviceNameLabel] ?? ''}`;
      const pending = this.expected.get(svc);
      const sliceKey = `${s.metadata!.namespace}/${s.metadata!.name}`;
      const want = pending?.slices.get(sliceKey);
      const caughtUp = deleted || (want !== 'deleted' && Number(s.metadata?.resourceVersion) >= Number(want));
      if (want !== undefined && caughtUp) {
        pending!.slices.delete(sliceKey);
        if (pending!.slices.size === 0) this.expected.delete(svc);
      }
      sliceChanged(s);
    };
    this.slices.addEventHandler({
      onAdd: (s) => seen(s, false),
      onUpdate: (_o, s) => seen(s, false),
      onDelete: (s) => seen(s, true),
    });
  }

  protected async sync(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const pending = this.expected.get(key);
    // The cache has not caught up with our last writes; their events bring us back. A write
    // whose event never comes (coalesced by a relist) stops counting after a while.
    if (pending && this.clock.now() - pending.at < expectationTimeoutMs) {
      this.enqueueAfter(key, pending.at + expectationTimeoutMs - this.clock.now());
      return;
    }
    this.expected.delete(key);
    const svc = this.services.get(key);
    const existing = this.slices.byIndex('service', key);
    const client = this.client
      .resource<SliceObj>('discovery.k8s.io/v1', 'EndpointSlice')
      .namespace(namespace);
    const selector = svc ? serviceSelector(svc) : undefined;
    if (!svc || !selector) {
      // Deleted service (the garbage collector also removes owned slices) or no selector: none of ours.
      for (const s of existing)
        await client.delete(s.metadata!.name!).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
      return;
    }
    const zoneOf = (node: string) => this.nodes.get(node)?.metadata?.labels?.[zoneLabel];
    const desired = desiredEndpoints(svc, selectedPods(this.pods, svc, selector), zoneOf);
    // A service without endpoints still gets one (empty) slice, like upstream's placeholder.
    if (desired.size === 0) desired.set(portsKey([]), { ports: [], endpoints: new Map() });
    const plan = planSlices(existing, desired, this.maxEndpointsPerSlice);
    const expect = (sliceName: string, rv: string) => {
      // The watch event may have come before the write's answer: then there is nothing to wait for.
      const cached = this.slices.get(`${namespace}/${sliceName}`);
      if (rv === 'deleted' ? !cached : cached && Number(cached.metadata?.resourceVersion) >= Number(rv))
        return;
      let m = this.expected.get(key);
      if (!m) this.expected.set(key, (m = { at: this.clock.now(), slices: new Map() }));
      m.slices.set(`${namespace}/${sliceName}`, rv);
    };
    const labels = endpointLabels(svc, { [serviceNameLabel]: name, [managedByLabel]: controllerName });
    const ownerReferences = [
      {
        apiVersion: 'v1',
        kind: 'Service',
        name,
        uid: svc.metadata!.uid!,
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
    const now = rfc3339Seconds(this.clock.now());

    for (const { slice, endpoints } of plan.update) {
      const sameMeta =
        sameJson(slice.metadata?.labels ?? {}, labels) &&
        sameJson(slice.metadata?.ownerReferences ?? [], ownerReferences);
      if (sameMeta && sameJson(slice.endpoints ?? [], endpoints)) continue;
      const updated = await client.update({
        ...slice,
        metadata: {
          ...slice.metadata,
          labels,
          ownerReferences,
          annotations: { ...slice.metadata?.annotations, [lastChangeTriggerTimeAnnotation]: now },
        },
        endpoints,
      });
      expect(updated.metadata!.name!, updated.metadata!.resourceVersion!);
    }
    for (const { ports, endpoints } of plan.create) {
      const created = await client.create({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          generateName: `${name}-`,
          namespace,
          labels,
          ownerReferences,
          annotations: { [lastChangeTriggerTimeAnnotation]: now },
        },
        addressType: 'IPv4',
        endpoints,
        ports,
      });
      expect(created.metadata!.name!, created.metadata!.resourceVersion!);
    }
    for (const s of plan.delete) {
      try {
        await client.delete(s.metadata!.name!);
        expect(s.metadata!.name!, 'deleted');
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    if (plan.create.length + plan.delete.length > 0)
      this.logger.info('endpoint slices reconciled', {
        service: key,
        created: plan.create.length,
        deleted: plan.delete.length,
      });
  }
}
