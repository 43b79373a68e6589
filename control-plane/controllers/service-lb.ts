// ServiceLB, like k3s's: a LoadBalancer Service gets the Ready nodes' InternalIPs as its
// status.loadBalancer.ingress. No extra pods or VIPs: kube-proxy (agent/proxy) already answers
// on every node for the service's nodePort and for traffic to a load balancer IP, so the node
// addresses are the load balancer. A service that stops being a LoadBalancer (or names another
// loadBalancerClass) has its ingress cleared. The host side (127.0.0.1:<port>) is
// control-plane/hostports.
import { isNotFound, type SharedIndexInformer } from '../../api/client/index.ts';
import type { Node, Service } from '../../api/types/index.ts';
import { QueueController, type ControllerConfig, type Kube } from './controller.ts';
import { sameJson } from './endpoint-utils.ts';

export type ServiceLbControllerConfig = ControllerConfig;

/** The Ready, schedulable nodes' InternalIPs, sorted: every LoadBalancer's ingress. */
export function loadBalancerAddresses(nodes: Node[]): string[] {
  const ips = new Set<string>();
  for (const node of nodes) {
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    // k3s leaves out nodes excluded from load balancers the upstream way.
    const excluded =
      node.metadata?.labels?.['node.kubernetes.io/exclude-from-external-load-balancers'] !== undefined;
    if (!ready || excluded || node.metadata?.deletionTimestamp) continue;
    for (const a of node.status?.addresses ?? []) if (a.type === 'InternalIP') ips.add(a.address);
  }
  return [...ips].sort(compareIPs);
}

/** Services ServiceLB serves: type LoadBalancer without a loadBalancerClass of someone else. */
export function isServiceLbService(svc: Service): boolean {
  return svc.spec?.type === 'LoadBalancer' && !svc.spec.loadBalancerClass;
}

export class ServiceLbController extends QueueController {
  private readonly services: SharedIndexInformer<Kube<Service>>;
  private readonly nodes: SharedIndexInformer<Kube<Node>>;

  constructor(config: ServiceLbControllerConfig) {
    super('service-lb', config);
    this.services = this.informers.informerFor<Kube<Service>>('v1', 'Service');
    this.nodes = this.informers.informerFor<Kube<Node>>('v1', 'Node');
    const hasIngress = (s: Service) => (s.status?.loadBalancer?.ingress?.length ?? 0) > 0;
    this.services.addEventHandler({
      onAdd: (s) => (isServiceLbService(s) || hasIngress(s)) && this.enqueue(s),
      onUpdate: (_old, s) => (isServiceLbService(s) || hasIngress(s)) && this.enqueue(s),
    });
    // Any node change that moves the address list touches every LoadBalancer.
    const resyncAll = () => {
      for (const s of this.services.list()) if (isServiceLbService(s)) this.enqueue(s);
    };
    this.nodes.addEventHandler({
      onAdd: resyncAll,
      onUpdate: (old, n) =>
        !sameJson(loadBalancerAddresses([old]), loadBalancerAddresses([n])) && resyncAll(),
      onDelete: resyncAll,
    });
  }

  protected async sync(key: string): Promise<void> {
    const svc = this.services.get(key);
    if (!svc) return;
    // A LoadBalancer with another class belongs to that controller: leave its status alone.
    if (svc.spec?.type === 'LoadBalancer' && svc.spec.loadBalancerClass) return;
    const want = isServiceLbService(svc)
      ? loadBalancerAddresses(this.nodes.list()).map((ip) => ({ ip, ipMode: 'VIP' as const }))
      : [];
    const have = svc.status?.loadBalancer?.ingress ?? [];
    if (sameJson(have, want)) return;
    try {
      await this.client
        .resource<Kube<Service>>('v1', 'Service')
        .namespace(svc.metadata!.namespace!)
        .updateStatus({
          ...svc,
          status: { ...svc.status, loadBalancer: want.length > 0 ? { ingress: want } : {} },
        });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (want.length > 0)
      this.recorder.event(
        svc,
        'Normal',
        'UpdatedLoadBalancer',
        `Updated LoadBalancer with new IPs: [${have.map((i) => i.ip).join(' ')}] -> [${want.map((i) => i.ip).join(' ')}]`,
      );
  }
}

function compareIPs(a: string, b: string): number {
  const key = (ip: string) =>
    ip
      .split('.')
      .map((p) => p.padStart(3, '0'))
      .join('.');
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}
