// The `kubernetes` Service in `default` (upstream's kubernetesservice controller, which runs in
// the API server): ClusterIP 10.96.0.1 (the first address of the service range), port 443
// `https` to the API server's address and port, with matching Endpoints and EndpointSlice,
// put back if someone deletes or changes them. Pods reach the API at
// https://kubernetes.default.svc through it.
import { networkInterfaces } from 'node:os';
import { isAlreadyExists, type SharedIndexInformer } from '../../api/client/index.ts';
import type { EndpointSlice, Endpoints, Service } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import { managedByLabel, serviceNameLabel } from './endpoint-slice.ts';
import { ensureFixedEndpoints, ensureFixedSlice } from './fixed-endpoints.ts';

export interface KubernetesServiceControllerConfig extends ControllerConfig {
  /**
   * The API server's address as pods should reach it (kube-apiserver's --advertise-address).
   * Endpoints may not be loopback: for 127.0.0.1 or 0.0.0.0 the host's first non-loopback IPv4
   * address is advertised instead, like upstream's default.
   */
  endpointIP?: string;
  /** The API server's port. Default 6443. */
  endpointPort?: number;
  /** The service range; the service takes its first address. Default 10.96.0.0/12. */
  serviceCIDR?: string;
}

const key = 'default/kubernetes';
/** Upstream labels the service with these. */
const serviceLabels = { component: 'apiserver', provider: 'kubernetes' };
/** Upstream's EndpointSlice for it is managed by the API server's reconciler. */
const reconcilerName = 'endpoint-reconciler.flotilla.io';

/** The first usable address of an IPv4 CIDR (10.96.0.0/12 -> 10.96.0.1). */
export function firstServiceIP(cidr: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) throw new Error(`invalid service CIDR "${cidr}"`);
  const bits = Number(m[5]);
  const ip = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const size = 2 ** (32 - bits);
  const first = ip - (ip % size) + 1;
  return [first >>> 24, (first >>> 16) & 255, (first >>> 8) & 255, first & 255].join('.');
}

const isLoopbackOrAny = (ip: string) =>
  ip.startsWith('127.') || ip === '0.0.0.0' || ip === 'localhost' || ip === '::1' || ip === '::';

/** The address to advertise for `ip`: itself, or the host's first non-loopback IPv4 address. */
export function advertiseAddress(ip: string | undefined): string | undefined {
  if (ip && !isLoopbackOrAny(ip)) return ip;
  for (const addrs of Object.values(networkInterfaces()))
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

export class KubernetesServiceController extends QueueController {
  private readonly clusterIP: string;
  private readonly endpointIP: string | undefined;
  private readonly endpointPort: number;
  private readonly services: SharedIndexInformer<Kube<Service>>;
  private readonly endpoints: SharedIndexInformer<Kube<Endpoints>>;
  private readonly slices: SharedIndexInformer<Kube<EndpointSlice>>;

  constructor(config: KubernetesServiceControllerConfig) {
    super('kubernetes-service', config);
    this.clusterIP = firstServiceIP(config.serviceCIDR ?? '10.96.0.0/12');
    this.endpointIP = advertiseAddress(config.endpointIP);
    this.endpointPort = config.endpointPort ?? 6443;
    this.services = this.informers.informerFor<Kube<Service>>('v1', 'Service');
    this.endpoints = this.informers.informerFor<Kube<Endpoints>>('v1', 'Endpoints');
    this.slices = this.informers.informerFor<Kube<EndpointSlice>>('discovery.k8s.io/v1', 'EndpointSlice');
    const ours = (o: { metadata?: { namespace?: string; name?: string } }) =>
      o.metadata?.namespace === 'default' && o.metadata?.name === 'kubernetes';
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
    if (!this.endpointIP) {
      this.logger.warn('no address to advertise the API server at: the kubernetes Service has no endpoints');
      return;
    }
    await this.ensureEndpoints(this.endpointIP);
    await this.ensureSlice(this.endpointIP);
  }

  private get ports() {
    return { name: 'https', port: this.endpointPort, protocol: 'TCP' as const };
  }

  private async ensureService(): Promise<void> {
    const services = this.client.resource<Kube<Service>>('v1', 'Service').namespace('default');
    const current = this.services.get(key);
    const port = { name: 'https', port: 443, protocol: 'TCP' as const, targetPort: this.endpointPort };
    if (!current) {
      try {
        await services.create({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'kubernetes', namespace: 'default', labels: serviceLabels },
          spec: { type: 'ClusterIP', clusterIP: this.clusterIP, ports: [port], sessionAffinity: 'None' },
        });
        this.logger.info('created the kubernetes service', { clusterIP: this.clusterIP });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
      return;
    }
    const ports = current.spec?.ports ?? [];
    if (
      ports.length === 1 &&
      ports[0]!.port === 443 &&
      ports[0]!.targetPort === this.endpointPort &&
      ports[0]!.name === 'https'
    )
      return;
    await services.update({
      ...current,
      spec: { ...current.spec, ports: [{ ...port, nodePort: undefined }] },
    });
  }

  private async ensureEndpoints(ip: string): Promise<void> {
    await ensureFixedEndpoints(this.client, this.endpoints.get(key), {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
      },
      subsets: [{ addresses: [{ ip }], ports: [this.ports] }],
    });
  }

  private async ensureSlice(ip: string): Promise<void> {
    await ensureFixedSlice(this.client, this.slices.get(key), {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { [serviceNameLabel]: 'kubernetes', [managedByLabel]: reconcilerName },
      },
      addressType: 'IPv4',
      endpoints: [{ addresses: [ip], conditions: { ready: true } }],
      ports: [this.ports],
    });
  }
}
