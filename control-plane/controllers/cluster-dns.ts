// The cluster side of cluster DNS: the `kube-dns` Service in kube-system (ClusterIP 10.96.0.10,
// the 10th address of the service range, as kubeadm picks it; ports 53/UDP, 53/TCP, 9153/TCP),
// selector-less, with an EndpointSlice (and Endpoints, for `kubectl get endpoints`) listing
// every Ready node whose agent serves DNS. The agent says so with the node annotation
// `dns.flotilla.io/listen` (agent/dns/run.ts), so no pod runs CoreDNS: each node's agent is
// the server, and kube-proxy spreads queries to 10.96.0.10 over the nodes.
import { isAlreadyExists, type SharedIndexInformer } from '../../api/client/index.ts';
import type { EndpointSlice, Endpoints, Node, Service } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import { managedByLabel, serviceNameLabel } from './endpoint-slice.ts';
import { ensureFixedEndpoints, ensureFixedSlice } from './fixed-endpoints.ts';

export interface ClusterDnsControllerConfig extends ControllerConfig {
  /** The service range; kube-dns takes its 10th address. Default 10.96.0.0/12. */
  serviceCIDR?: string;
}

/** Set by the agent on its Node while it serves cluster DNS: `ip:port`. */
export const clusterDnsAnnotation = 'dns.flotilla.io/listen';
const namespace = 'kube-system';
const name = 'kube-dns';
const key = `${namespace}/${name}`;
const controllerName = 'cluster-dns.flotilla.io';
const serviceLabels = {
  'k8s-app': 'kube-dns',
  'kubernetes.io/cluster-service': 'true',
  'kubernetes.io/name': 'KubeDNS',
};
const ports = [
  { name: 'dns', port: 53, protocol: 'UDP' as const },
  { name: 'dns-tcp', port: 53, protocol: 'TCP' as const },
  { name: 'metrics', port: 9153, protocol: 'TCP' as const },
];

/** The nth address of an IPv4 CIDR (10.96.0.0/12, 10 -> 10.96.0.10). */
export function serviceIPAt(cidr: string, n: number): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) throw new Error(`invalid service CIDR "${cidr}"`);
  const size = 2 ** (32 - Number(m[5]));
  if (n >= size - 1) throw new Error(`service CIDR ${cidr} has no address number ${n}`);
  const ip = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const at = ip - (ip % size) + n;
  return [at >>> 24, (at >>> 16) & 255, (at >>> 8) & 255, at & 255].join('.');
}

/** The address a Ready node serving DNS is reached at, or undefined when it should not be listed. */
export function dnsEndpointOf(node: Node): string | undefined {
  const listen = node.metadata?.annotations?.[clusterDnsAnnotation];
  if (!listen) return undefined;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  if (!ready || node.spec?.unschedulable === true) return undefined;
  const internal = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  return internal ?? listen.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
}

export class ClusterDnsController extends QueueController {
  private readonly clusterIP: string;
  private readonly nodes: SharedIndexInformer<Kube<Node>>;
  private readonly services: SharedIndexInformer<Kube<Service>>;
  private readonly endpoints: SharedIndexInformer<Kube<Endpoints>>;
  private readonly slices: SharedIndexInformer<Kube<EndpointSlice>>;

  constructor(config: ClusterDnsControllerConfig) {
    super('cluster-dns', config);
    this.clusterIP = serviceIPAt(config.serviceCIDR ?? '10.96.0.0/12', 10);
    this.nodes = this.informers.informerFor<Kube<Node>>('v1', 'Node');
    this.services = this.informers.informerFor<Kube<Service>>('v1', 'Service');
    this.endpoints = this.informers.informerFor<Kube<Endpoints>>('v1', 'Endpoints');
    this.slices = this.informers.informerFor<Kube<EndpointSlice>>('discovery.k8s.io/v1', 'EndpointSlice');
    this.nodes.addEventHandler({
      onAdd: (n) => dnsEndpointOf(n) && this.enqueue(key),
      onUpdate: (old, n) => dnsEndpointOf(old) !== dnsEndpointOf(n) && this.enqueue(key),
      onDelete: (n) => dnsEndpointOf(n) && this.enqueue(key),
    });
    const ours = (o: { metadata?: { namespace?: string; name?: string; labels?: Record<string, string> } }) =>
      o.metadata?.namespace === namespace &&
      (o.metadata?.name === name || o.metadata?.labels?.[serviceNameLabel] === name);
    for (const informer of [this.services, this.endpoints, this.slices] as SharedIndexInformer[])
      informer.addEventHandler({
        onAdd: (o) => ours(o) && this.enqueue(key),
        onUpdate: (_old, o) => ours(o) && this.enqueue(key),
        onDelete: (o) => ours(o) && this.enqueue(key),
      });
  }

  override async start(signal: AbortSignal): Promise<void> {
    this.enqueue(key);
    await super.start(signal);
  }

  protected async sync(): Promise<void> {
    await this.ensureService();
    const addresses = [
      ...new Set(
        this.nodes
          .list()
          .map(dnsEndpointOf)
          .filter((a): a is string => !!a),
      ),
    ].sort();
    const byAddress = new Map(this.nodes.list().map((n) => [dnsEndpointOf(n), n.metadata?.name]));
    await this.ensureSlice(addresses, byAddress);
    await this.ensureEndpoints(addresses, byAddress);
  }

  private async ensureService(): Promise<void> {
    if (this.services.get(key)) return;
    try {
      await this.client
        .resource<Kube<Service>>('v1', 'Service')
        .namespace(namespace)
        .create({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name, namespace, labels: serviceLabels },
          spec: {
            type: 'ClusterIP',
            clusterIP: this.clusterIP,
            ports: ports.map((p) => ({ ...p, targetPort: p.port })),
          },
        });
      this.logger.info('created the kube-dns service', { clusterIP: this.clusterIP });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  private async ensureSlice(
    addresses: string[],
    nodeOf: Map<string | undefined, string | undefined>,
  ): Promise<void> {
    await ensureFixedSlice(this.client, this.slices.get(key), {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name, namespace, labels: { [serviceNameLabel]: name, [managedByLabel]: controllerName } },
      addressType: 'IPv4',
      endpoints: addresses.map((ip) => ({
        addresses: [ip],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: nodeOf.get(ip),
        targetRef: { kind: 'Node', name: nodeOf.get(ip) },
      })),
      ports,
    });
  }

  private async ensureEndpoints(
    addresses: string[],
    nodeOf: Map<string | undefined, string | undefined>,
  ): Promise<void> {
    await ensureFixedEndpoints(this.client, this.endpoints.get(key), {
      apiVersion: 'v1',
      kind: 'Endpoints',
      // The slice above is the source of truth; mirroring would make a second one.
      metadata: { name, namespace, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
      subsets:
        addresses.length === 0
          ? []
          : [{ addresses: addresses.map((ip) => ({ ip, nodeName: nodeOf.get(ip) })), ports }],
    });
  }
}
