// Everything one service owns in `table ip kube-proxy` (upstream pkg/proxy/nftables
// syncProxyRules, per service port): its chains with their rules, its session affinity sets, and
// its elements in the shared verdict maps. The same decisions as the iptables mode (rules.ts):
// which endpoints serve Cluster and Local traffic, what is rejected, what is masqueraded.
import {
  categorizeEndpoints,
  externallyAccessible,
  type ProxyEndpoint,
  type ProxyServicePort,
  usesClusterEndpoints,
  usesLocalEndpoints,
} from '../service-ports.ts';
import {
  CLUSTER_IPS,
  FIREWALL_IPS,
  HAIRPIN_ENDPOINTS,
  MARK_FOR_MASQUERADE,
  NO_ENDPOINT_NODEPORTS,
  NO_ENDPOINT_SERVICES,
  REJECT_CHAIN,
  SERVICE_IPS,
  SERVICE_NODEPORTS,
} from './base-table.ts';
import { endpointNames, serviceNames, type EndpointNames } from './names.ts';

/** An element of one of the shared maps and sets. */
export interface NftElement {
  set: string;
  key: string;
  /** As written: the key, and for maps a comment and ": verdict". */
  text: string;
}

export interface ServiceObjects {
  /** Chains and their rules, in an order where a chain comes after the chains it jumps to. */
  chains: { name: string; rules: string[] }[];
  /** Affinity sets and their definitions (the part between braces). */
  sets: { name: string; definition: string }[];
  /** Its elements in the shared maps and sets. */
  elements: NftElement[];
}

export interface ServiceObjectOptions {
  /** Pod network: traffic from outside it to a ClusterIP is masqueraded. */
  clusterCIDR?: string;
}

export function emptyObjects(): ServiceObjects {
  return { chains: [], sets: [], elements: [] };
}

/** The objects of one service, from all of its ports. */
export function serviceObjects(
  ports: readonly ProxyServicePort[],
  opts: ServiceObjectOptions,
  into: ServiceObjects = emptyObjects(),
): ServiceObjects {
  // Plain arrays, not maps: a full sync builds these for every service (10,000 and more) and
  // reads them once; only a partial sync, for a few services, looks elements up (transaction.ts).
  if (ports.length > 0) {
    const ip = ports[0]!.clusterIP;
    into.elements.push({ set: CLUSTER_IPS, key: ip, text: ip });
  }
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
  const elements = out.elements;
  const suffix = ` . ${proto} . ${sp.port}`;

  if (hasInternal)
    elements.push(vmapElement(SERVICE_IPS, sp.clusterIP + suffix, comment, `goto ${internalChain}`));
  else elements.push(vmapElement(NO_ENDPOINT_SERVICES, sp.clusterIP + suffix, comment, noEndpoints));
  for (const ips of [sp.externalIPs, sp.loadBalancerIPs])
    for (const ip of ips) {
      if (hasEndpoints)
        elements.push(vmapElement(SERVICE_IPS, ip + suffix, comment, `goto ${names.external}`));
      if (!hasExternal) elements.push(vmapElement(NO_ENDPOINT_SERVICES, ip + suffix, comment, noEndpoints));
    }
  if (usesFwChain)
    for (const ip of sp.loadBalancerIPs)
      elements.push(vmapElement(FIREWALL_IPS, ip + suffix, comment, `goto ${names.firewall}`));
  if (sp.nodePort > 0) {
    const key = `${proto} . ${sp.nodePort}`;
    if (hasEndpoints) elements.push(vmapElement(SERVICE_NODEPORTS, key, comment, `goto ${names.external}`));
    if (!hasExternal) elements.push(vmapElement(NO_ENDPOINT_NODEPORTS, key, comment, noEndpoints));
  }

  // Every endpoint's IP pair, for the hairpin rule in nat-postrouting.
  for (const ep of reachable) {
    const pair = `${ep.ip} . ${ep.ip}`;
    elements.push({ set: HAIRPIN_ENDPOINTS, key: pair, text: pair });
  }
  // Session affinity needs a chain per endpoint (it records the client, then DNATs), written
  // before the service chains that jump to them. Other services DNAT in the service chain itself.
  let sticky: Map<ProxyEndpoint, EndpointNames> | undefined;
  if (sp.stickySeconds > 0) {
    sticky = new Map(reachable.map((ep) => [ep, endpointNames(sp, ep)]));
    for (const [ep, { chain, affinity }] of sticky) {
      out.sets.push({
        name: affinity,
        definition: `type ipv4_addr ; flags dynamic,timeout ; timeout ${sp.stickySeconds}s ;`,
      });
      out.chains.push({ name: chain, rules: [`update @${affinity} { ip saddr }`, dnatTo(proto, ep)] });
    }
  }

  const masqueradeOffCluster =
    hasInternal && opts.clusterCIDR
      ? `ip daddr ${sp.clusterIP} ${proto} dport ${sp.port} ip saddr != ${opts.clusterCIDR} jump ${MARK_FOR_MASQUERADE}`
      : undefined;
  if (usesClusterChain)
    out.chains.push({
      name: names.cluster,
      rules: toEndpoints(
        internalChain === names.cluster ? masqueradeOffCluster : undefined,
        proto,
        cluster,
        sticky,
      ),
    });
  if (usesLocalChain)
    out.chains.push({
      name: names.local,
      rules: toEndpoints(
        internalChain === names.local ? masqueradeOffCluster : undefined,
        proto,
        local,
        sticky,
      ),
    });

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
    out.chains.push({ name: names.external, rules });
  }

  if (usesFwChain)
    out.chains.push({
      name: names.firewall,
      rules: [
        `ip saddr != { ${sp.loadBalancerSourceRanges.join(', ')} } drop comment "${sp.name} loadBalancerSourceRanges"`,
      ],
    });
}

const vmapElement = (set: string, key: string, comment: string, verdict: string): NftElement => ({
  set,
  key,
  text: `${key} ${comment} : ${verdict}`,
});

const dnatTo = (proto: string, ep: ProxyEndpoint) => `meta l4proto ${proto} dnat to ${ep.ip}:${ep.port}`;

/**
 * A known client goes back to its endpoint (session affinity); the others are spread at random:
 * rule i takes 1/(n-i) of what reaches it, so each endpoint gets 1/n overall, the iptables mode's
 * arithmetic. Upstream writes one `numgen random mod n vmap { 0 : goto ..., 1 : ... }` instead,
 * but every such anonymous map is a kernel set, and adding sets costs time that grows with the
 * sets already in the table (10,000 services: 14 s of kernel time against 0.5 s for these rules).
 * Without affinity each rule DNATs itself: no chain per endpoint, because every `nft` run reads
 * all chain names of the table first, so chains are what a partial sync pays for.
 */
function toEndpoints(
  first: string | undefined,
  proto: string,
  endpoints: readonly ProxyEndpoint[],
  sticky: ReadonlyMap<ProxyEndpoint, EndpointNames> | undefined,
): string[] {
  const rules: string[] = first ? [first] : [];
  if (sticky)
    for (const ep of endpoints) {
      const { affinity, chain } = sticky.get(ep)!;
      rules.push(`ip saddr @${affinity} goto ${chain}`);
    }
  const n = endpoints.length;
  for (let i = 0; i < n; i++) {
    const ep = endpoints[i]!;
    const target = sticky ? `goto ${sticky.get(ep)!.chain}` : dnatTo(proto, ep);
    rules.push(i < n - 1 ? `numgen random mod ${n - i} == 0 ${target}` : target);
  }
  return rules;
}
