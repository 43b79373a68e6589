// Everything one service owns in `table ip kube-proxy` (upstream pkg/proxy/nftables
// syncProxyRules, per service port): its chains with their rules, its session affinity sets, and
// its elements in the shared verdict maps. The same decisions as the iptables mode (rules.ts):
// which endpoints serve Cluster and Local traffic, what is rejected, what is masqueraded.
import {
  categorizeEndpoints,
  externallyAccessible,
  type ProxyServicePort,
  usesClusterEndpoints,
  usesLocalEndpoints,
} from '../service-ports.ts';
import {
  CLUSTER_IPS,
  FIREWALL_IPS,
  MARK_FOR_MASQUERADE,
  NO_ENDPOINT_NODEPORTS,
  NO_ENDPOINT_SERVICES,
  REJECT_CHAIN,
  SERVICE_IPS,
  SERVICE_NODEPORTS,
} from './base-table.ts';
import { endpointNames, serviceNames, type EndpointNames } from './names.ts';

export interface ServiceObjects {
  /** Chain -> its rules, in an order where a chain comes after the chains it jumps to. */
  chains: Map<string, string[]>;
  /** Affinity set -> its definition (the part between braces). */
  sets: Map<string, string>;
  /** Shared map or set -> element key -> the element as written (key, comment, ": verdict"). */
  elements: Map<string, Map<string, string>>;
}

export interface ServiceObjectOptions {
  /** Pod network: traffic from outside it to a ClusterIP is masqueraded. */
  clusterCIDR?: string;
}

export function emptyObjects(): ServiceObjects {
  return { chains: new Map(), sets: new Map(), elements: new Map() };
}

/** The objects of one service, from all of its ports. */
export function serviceObjects(
  ports: readonly ProxyServicePort[],
  opts: ServiceObjectOptions,
  into: ServiceObjects = emptyObjects(),
): ServiceObjects {
  for (const sp of ports) addPort(sp, opts, into);
  return into;
}

function addPort(sp: ProxyServicePort, opts: ServiceObjectOptions, out: ServiceObjects): void {
  const names = serviceNames(sp);
  const proto = sp.protocol;
  const { cluster, local, reachable, any: hasEndpoints } = categorizeEndpoints(sp);
  const usesClusterChain = cluster.length > 0 && usesClusterEndpoints(sp);
  const usesLocalChain = local.length > 0 && usesLocalEndpoints(sp);
  const internalChain = sp.internalPolicyLocal ? names.local : names.cluster;
  const hasInternal = hasEndpoints && (!sp.internalPolicyLocal || local.length > 0);
  const externalPolicyChain = sp.externalPolicyLocal ? names.local : names.cluster;
  const hasExternal = hasEndpoints && (!sp.externalPolicyLocal || local.length > 0);
  const usesExtChain = hasEndpoints && externallyAccessible(sp);
  const usesFwChain = hasEndpoints && sp.loadBalancerIPs.length > 0 && sp.loadBalancerSourceRanges.length > 0;
  // No endpoints at all: refuse (the client learns at once). Endpoints elsewhere only: drop.
  const noEndpoints = hasEndpoints ? 'drop' : `goto ${REJECT_CHAIN}`;
  const comment = `comment "${sp.name}"`;
  const element = (map: string, key: string, verdict?: string) => {
    let forMap = out.elements.get(map);
    if (!forMap) out.elements.set(map, (forMap = new Map()));
    forMap.set(key, verdict ? `${key} ${comment} : ${verdict}` : key);
  };
  const vip = (ip: string) => `${ip} . ${proto} . ${sp.port}`;

  element(CLUSTER_IPS, sp.clusterIP);
  if (hasInternal) element(SERVICE_IPS, vip(sp.clusterIP), `goto ${internalChain}`);
  else element(NO_ENDPOINT_SERVICES, vip(sp.clusterIP), noEndpoints);
  for (const ip of [...sp.externalIPs, ...sp.loadBalancerIPs]) {
    if (hasEndpoints) element(SERVICE_IPS, vip(ip), `goto ${names.external}`);
    if (!hasExternal) element(NO_ENDPOINT_SERVICES, vip(ip), noEndpoints);
  }
  if (usesFwChain)
    for (const ip of sp.loadBalancerIPs) element(FIREWALL_IPS, vip(ip), `goto ${names.firewall}`);
  if (sp.nodePort > 0) {
    const key = `${proto} . ${sp.nodePort}`;
    if (hasEndpoints) element(SERVICE_NODEPORTS, key, `goto ${names.external}`);
    if (!hasExternal) element(NO_ENDPOINT_NODEPORTS, key, noEndpoints);
  }

  // Endpoint chains first: the service chains below jump to them.
  const epNames = new Map(reachable.map((ep) => [ep, endpointNames(sp, ep)]));
  for (const ep of reachable) {
    const { chain, affinity } = epNames.get(ep)!;
    const rules = [
      // Hairpin: a pod reaching itself through the service is masqueraded, or it would answer itself.
      `ip saddr ${ep.ip} jump ${MARK_FOR_MASQUERADE}`,
    ];
    if (sp.stickySeconds > 0) {
      out.sets.set(affinity, `type ipv4_addr ; flags dynamic,timeout ; timeout ${sp.stickySeconds}s ;`);
      rules.push(`update @${affinity} { ip saddr }`);
    }
    rules.push(`meta l4proto ${proto} dnat to ${ep.ip}:${ep.port}`);
    out.chains.set(chain, rules);
  }

  const masqueradeOffCluster =
    hasInternal && opts.clusterCIDR
      ? `ip daddr ${sp.clusterIP} ${proto} dport ${sp.port} ip saddr != ${opts.clusterCIDR} jump ${MARK_FOR_MASQUERADE}`
      : undefined;
  if (usesClusterChain)
    out.chains.set(names.cluster, [
      ...(internalChain === names.cluster && masqueradeOffCluster ? [masqueradeOffCluster] : []),
      ...toEndpoints(
        sp,
        cluster.map((ep) => epNames.get(ep)!),
      ),
    ]);
  if (usesLocalChain)
    out.chains.set(names.local, [
      ...(internalChain === names.local && masqueradeOffCluster ? [masqueradeOffCluster] : []),
      ...toEndpoints(
        sp,
        local.map((ep) => epNames.get(ep)!),
      ),
    ]);

  if (usesExtChain) {
    const rules: string[] = [];
    if (!sp.externalPolicyLocal) {
      // Endpoints may be on another node: masquerade so replies come back through this one.
      rules.push(`jump ${MARK_FOR_MASQUERADE}`);
    } else {
      // Pods and the node itself reach external destinations as if from outside and back.
      if (opts.clusterCIDR)
        rules.push(`ip saddr ${opts.clusterCIDR} goto ${names.cluster} comment "short-circuit pod traffic"`);
      rules.push(
        `fib saddr type local jump ${MARK_FOR_MASQUERADE} comment "masquerade local traffic"`,
        `fib saddr type local goto ${names.cluster} comment "short-circuit local traffic"`,
      );
    }
    if (hasExternal) rules.push(`goto ${externalPolicyChain}`);
    out.chains.set(names.external, rules);
  }

  if (usesFwChain)
    out.chains.set(names.firewall, [
      `ip saddr != { ${sp.loadBalancerSourceRanges.join(', ')} } drop comment "${sp.name} loadBalancerSourceRanges"`,
    ]);
}

/**
 * A known client goes back to its endpoint (session affinity); the others are spread at random:
 * rule i takes 1/(n-i) of what reaches it, so each endpoint gets 1/n overall, the iptables mode's
 * arithmetic. Upstream writes one `numgen random mod n vmap { 0 : goto ..., 1 : ... }` instead,
 * but every such anonymous map is a kernel set, and adding sets costs time that grows with the
 * sets already in the table (10,000 services: 14 s of kernel time against 0.5 s for these rules).
 */
function toEndpoints(sp: ProxyServicePort, chains: readonly EndpointNames[]): string[] {
  const rules: string[] = [];
  if (sp.stickySeconds > 0) for (const c of chains) rules.push(`ip saddr @${c.affinity} goto ${c.chain}`);
  const n = chains.length;
  chains.forEach((c, i) =>
    rules.push(i < n - 1 ? `numgen random mod ${n - i} == 0 goto ${c.chain}` : `goto ${c.chain}`),
  );
  return rules;
}
