// What kube-proxy needs to know about one service port (upstream pkg/proxy/serviceport.go and
// endpointslicecache.go), built from a Service and its EndpointSlices. Services without a
// virtual IP (headless, ExternalName) have no ports here: DNS handles them, not iptables.
import type { EndpointSlice } from '../../api/types/endpoint-slice.ts';
import type { Service } from '../../api/types/service.ts';
import { servicePortChains, endpointChain, type ServicePortChains } from './chain-names.ts';

export interface ProxyEndpoint {
  ip: string;
  port: number;
  /** "ip:port", the DNAT target and part of the KUBE-SEP hash. */
  address: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** On this node (externalTrafficPolicy/internalTrafficPolicy Local). */
  local: boolean;
}

export interface ProxyServicePort {
  /** "ns/name", the service this port belongs to. */
  service: string;
  /** "ns/name" or "ns/name:port-name" (upstream's ServicePortName). */
  name: string;
  /** "tcp" | "udp" | "sctp". */
  protocol: string;
  clusterIP: string;
  port: number;
  nodePort: number;
  externalIPs: string[];
  loadBalancerIPs: string[];
  loadBalancerSourceRanges: string[];
  healthCheckNodePort: number;
  /** sessionAffinity ClientIP: seconds a client sticks to its endpoint; 0 = no affinity. */
  stickySeconds: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  /** Sorted by address, like upstream, so the rules are stable from one sync to the next. */
  endpoints: ProxyEndpoint[];
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

// The iptables mode's chain names, hashed once per port or endpoint object when first asked for:
// two sha256 per endpoint were a third of building 10,000 services, and nftables mode never asks.
const portChains = new WeakMap<ProxyServicePort, ServicePortChains>();
const endpointChains = new WeakMap<ProxyEndpoint, string>();

/** KUBE-SVC/SVL/EXT/FW-… of a service port. */
export function chainsOf(sp: ProxyServicePort): ServicePortChains {
  let chains = portChains.get(sp);
  if (!chains) portChains.set(sp, (chains = servicePortChains(sp.name, sp.protocol)));
  return chains;
}

/** KUBE-SEP-… of one of the port's endpoints. */
export function endpointChainOf(sp: ProxyServicePort, ep: ProxyEndpoint): string {
  let chain = endpointChains.get(ep);
  if (!chain) endpointChains.set(ep, (chain = endpointChain(sp.name, sp.protocol, ep.address)));
  return chain;
}
const DEFAULT_STICKY_SECONDS = 10800;

export function shouldSkipService(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return svc.spec?.type === 'ExternalName' || !ip || ip === 'None';
}

const isIPv4 = (ip: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);

/** The proxied ports of `svc`, with endpoints from its slices (IPv4 only for now). */
export function servicePortsOf(svc: Service, slices: EndpointSlice[], nodeName: string): ProxyServicePort[] {
  if (shouldSkipService(svc)) return [];
  const spec = svc.spec!;
  const clusterIP = spec.clusterIP!;
  if (!isIPv4(clusterIP)) return [];
  const key = `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
  const loadBalancerIPs = (svc.status?.loadBalancer?.ingress ?? [])
    .filter((i) => i.ip && isIPv4(i.ip) && i.ipMode !== 'Proxy')
    .map((i) => i.ip!);
  const externalIPs = (spec.externalIPs ?? []).filter(isIPv4);
  const stickySeconds =
    spec.sessionAffinity === 'ClientIP'
      ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_STICKY_SECONDS)
      : 0;
  return (spec.ports ?? []).map((p) => {
    const name = p.name ? `${key}:${p.name}` : key;
    const protocol = (p.protocol ?? 'TCP').toLowerCase();
    const nodePort = spec.type === 'NodePort' || spec.type === 'LoadBalancer' ? (p.nodePort ?? 0) : 0;
    const externallyAccessible = nodePort > 0 || externalIPs.length > 0 || loadBalancerIPs.length > 0;
    return {
      service: key,
      name,
      protocol,
      clusterIP,
      port: p.port,
      nodePort,
      externalIPs,
      loadBalancerIPs,
      loadBalancerSourceRanges: (spec.loadBalancerSourceRanges ?? []).map((r) => r.trim()).filter(Boolean),
      healthCheckNodePort:
        spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local'
          ? (spec.healthCheckNodePort ?? 0)
          : 0,
      stickySeconds,
      externalPolicyLocal: externallyAccessible && spec.externalTrafficPolicy === 'Local',
      internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
      endpoints: endpointsFor(p.name ?? '', p.protocol ?? 'TCP', slices, nodeName),
    };
  });
}

/** The endpoints of one service port: slice ports are matched by name and protocol. */
function endpointsFor(
  servicePortName: string,
  serviceProtocol: string,
  slices: EndpointSlice[],
  nodeName: string,
): ProxyEndpoint[] {
  const byAddress = new Map<string, ProxyEndpoint>();
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    const slicePort = (slice.ports ?? []).find(
      (sp) => (sp.name ?? '') === servicePortName && (sp.protocol ?? 'TCP') === serviceProtocol,
    );
    if (!slicePort?.port) continue;
    for (const ep of slice.endpoints ?? []) {
      const ip = ep.addresses?.[0];
      if (!ip) continue;
      const address = `${ip}:${slicePort.port}`;
      if (byAddress.has(address)) continue;
      const ready = ep.conditions?.ready ?? true;
      byAddress.set(address, {
        ip,
        port: slicePort.port,
        address,
        ready,
        serving: ep.conditions?.serving ?? ready,
        terminating: ep.conditions?.terminating ?? false,
        local: ep.nodeName === nodeName,
      });
    }
  }
  return [...byAddress.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** Traffic from outside reaches this port (NodePort, external IPs, load balancer IPs). */
export function externallyAccessible(sp: ProxyServicePort): boolean {
  return sp.nodePort > 0 || sp.externalIPs.length > 0 || sp.loadBalancerIPs.length > 0;
}

/** Even with externalTrafficPolicy Local, pods and the node short-circuit to Cluster endpoints. */
export function usesClusterEndpoints(sp: ProxyServicePort): boolean {
  return !sp.internalPolicyLocal || externallyAccessible(sp);
}

export function usesLocalEndpoints(sp: ProxyServicePort): boolean {
  return sp.internalPolicyLocal || sp.externalPolicyLocal;
}

export interface CategorizedEndpoints {
  /** Endpoints for Cluster policy: the ready ones, or if none is ready, the serving terminating ones. */
  cluster: ProxyEndpoint[];
  /** The same choice among this node's endpoints. */
  local: ProxyEndpoint[];
  /** Every endpoint some rule of this node sends traffic to (one KUBE-SEP chain each). */
  reachable: ProxyEndpoint[];
  /** Some endpoint anywhere can take traffic. */
  any: boolean;
}

/** Upstream's CategorizeEndpoints (pkg/proxy/topology.go), without topology hints. */
export function categorizeEndpoints(sp: ProxyServicePort): CategorizedEndpoints {
  const eps = sp.endpoints;
  const servingTerminating = (e: ProxyEndpoint) => e.serving && e.terminating;
  let cluster: ProxyEndpoint[] = [];
  let any = false;
  if (usesClusterEndpoints(sp)) {
    cluster = eps.filter((e) => e.ready);
    if (cluster.length === 0) cluster = eps.filter(servingTerminating);
    any = cluster.length > 0;
  }
  if (!usesLocalEndpoints(sp)) return { cluster, local: [], reachable: cluster, any };
  if (eps.some((e) => e.ready || servingTerminating(e))) any = true;
  let local = eps.filter((e) => e.local && e.ready);
  if (local.length === 0) local = eps.filter((e) => e.local && servingTerminating(e));
  if (!usesClusterEndpoints(sp)) return { cluster, local, reachable: local, any };
  if (local.length === 0) return { cluster, local, reachable: cluster, any };
  const reachable = [...cluster];
  for (const e of local) if (!reachable.includes(e)) reachable.push(e);
  return { cluster, local, reachable, any };
}
