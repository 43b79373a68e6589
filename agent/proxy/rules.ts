// The iptables-restore input for one sync, in upstream kube-proxy's layout and order
// (pkg/proxy/iptables/proxier.go syncProxyRules), so `iptables-save` on a node reads like a real
// cluster's. The top-level chains (KUBE-SERVICES, KUBE-NODEPORTS, ...) are rewritten on every
// sync; per-service chains (KUBE-SVC/SVL/EXT/FW/SEP) only for the services in `changed`
// (upstream's partial sync): iptables-restore --noflush leaves chains it is not given alone.
import {
  categorizeEndpoints,
  chainsOf,
  endpointChainOf,
  externallyAccessible,
  type ProxyEndpoint,
  type ProxyServicePort,
  usesClusterEndpoints,
  usesLocalEndpoints,
} from './service-ports.ts';

export const MASQUERADE_MARK = '0x4000';

export const KUBE_SERVICES = 'KUBE-SERVICES';
export const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
export const KUBE_NODEPORTS = 'KUBE-NODEPORTS';
export const KUBE_FORWARD = 'KUBE-FORWARD';
export const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';
export const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
export const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';

export interface RuleOptions {
  /** Pod network: traffic from outside it to a ClusterIP is masqueraded (upstream's local detector). */
  clusterCIDR?: string;
  /** Node IPs NodePorts answer on; undefined: every local address but 127.0.0.0/8. */
  nodePortIPs?: string[];
  /**
   * 'all': a full sync, every chain flushed and written. Otherwise a partial sync for these
   * services ("ns/name"): their own chains are rewritten and their rules in the top-level chains
   * are changed one by one (-D/-I against `previousTopLevel`), so the cost follows what changed,
   * not the size of KUBE-SERVICES.
   */
  changed: 'all' | ReadonlySet<string>;
  /** What the last sync put in the top-level chains, per service (RuleSet.topLevel). */
  previousTopLevel?: ReadonlyMap<string, TopLevelRules>;
  /** Per-service chains to flush and delete (no longer used). */
  staleChains?: Iterable<string>;
  /** Jumps from the built-in chains to add (iptables.ts missingJumps), full syncs only. */
  jumps?: { filter: string[]; nat: string[] };
  /** MASQUERADE --random-fully (iptables >= 1.6.2 with kernel support). */
  randomFully?: boolean;
}

/** One service's rules in the shared chains (KUBE-SERVICES, KUBE-NODEPORTS, ...), as -A lines. */
export interface TopLevelRules {
  filter: string[];
  nat: string[];
}

export interface RuleSet {
  /** iptables-restore --noflush input: *filter then *nat. */
  text: string;
  /** Every per-service nat chain the rules use, written now or left from an earlier sync. */
  natChains: Set<string>;
  /** Every service's rules in the top-level chains, for the next partial sync. */
  topLevel: Map<string, TopLevelRules>;
}

/** A quoted comment, as upstream writes those with spaces. */
const q = (s: string) => `"${s}"`;

/** 1/n with ten decimals, like upstream's computeProbability. */
export function probability(n: number): string {
  return (1 / n).toFixed(10);
}

export function buildRules(ports: readonly ProxyServicePort[], opts: RuleOptions): RuleSet {
  const filterChains: string[] = [];
  const filterRules: string[] = [];
  const natChains: string[] = [];
  const natRules: string[] = [];
  const active = new Set<string>();
  const topLevel = new Map<string, TopLevelRules>();
  const mark = `${MASQUERADE_MARK}/${MASQUERADE_MARK}`;
  const full = opts.changed === 'all';
  const changed = opts.changed === 'all' ? new Set<string>() : opts.changed;

  if (full) {
    for (const c of [
      KUBE_SERVICES,
      KUBE_EXTERNAL_SERVICES,
      KUBE_FORWARD,
      KUBE_NODEPORTS,
      KUBE_PROXY_FIREWALL,
    ])
      filterChains.push(`:${c} - [0:0]`);
    for (const c of [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ])
      natChains.push(`:${c} - [0:0]`);
  }

  if (full)
    natRules.push(
      `-A ${KUBE_POSTROUTING} -m mark ! --mark ${mark} -j RETURN`,
      // Clear the mark so a packet that passes through the stack again is not masqueraded twice.
      `-A ${KUBE_POSTROUTING} -j MARK --xor-mark ${MASQUERADE_MARK}`,
      `-A ${KUBE_POSTROUTING} -m comment --comment ${q('kubernetes service traffic requiring SNAT')} -j MASQUERADE` +
        (opts.randomFully ? ' --random-fully' : ''),
      `-A ${KUBE_MARK_MASQ} -j MARK --or-mark ${MASQUERADE_MARK}`,
    );

  const ifLocal = opts.clusterCIDR ? `-s ${opts.clusterCIDR}` : undefined;
  const ifNotLocal = opts.clusterCIDR ? `! -s ${opts.clusterCIDR}` : undefined;

  for (const sp of ports) {
    const { name, protocol: proto } = sp;
    const chains = chainsOf(sp);
    let top = topLevel.get(sp.service);
    if (!top) topLevel.set(sp.service, (top = { filter: [], nat: [] }));
    const topFilterStart = top.filter.length;
    const topNatStart = top.nat.length;
    const { cluster, local, reachable, any: hasEndpoints } = categorizeEndpoints(sp);
    const match = `-m ${proto} -p ${proto}`;
    const vip = (ip: string, port: number) => `${match} -d ${ip} --dport ${port}`;

    const usesClusterChain = cluster.length > 0 && usesClusterEndpoints(sp);
    const usesLocalChain = local.length > 0 && usesLocalEndpoints(sp);
    const internalChain = sp.internalPolicyLocal ? chains.local : chains.cluster;
    const hasInternal = hasEndpoints && (!sp.internalPolicyLocal || local.length > 0);
    const externalPolicyChain = sp.externalPolicyLocal ? chains.local : chains.cluster;
    const hasExternal = hasEndpoints && (!sp.externalPolicyLocal || local.length > 0);
    const usesExtChain = hasEndpoints && externallyAccessible(sp);
    const usesFwChain =
      hasEndpoints && sp.loadBalancerIPs.length > 0 && sp.loadBalancerSourceRanges.length > 0;
    const lbChain = usesFwChain ? chains.firewall : chains.external;

    if (usesClusterChain) active.add(chains.cluster);
    if (usesLocalChain) active.add(chains.local);
    if (usesExtChain) active.add(chains.external);
    if (usesFwChain) active.add(chains.firewall);
    for (const ep of reachable) active.add(endpointChainOf(sp, ep));

    let internalFilter = '';
    let externalFilter = '';
    if (!hasEndpoints) {
      internalFilter = `-m comment --comment ${q(`${name} has no endpoints`)}`;
      externalFilter = internalFilter;
    }
    const noLocal = `-m comment --comment ${q(`${name} has no local endpoints`)}`;
    const internalTarget = hasEndpoints ? 'DROP' : 'REJECT';
    if (hasEndpoints && !hasInternal) internalFilter = noLocal;
    if (hasEndpoints && !hasExternal) externalFilter = noLocal;
    const externalTarget = internalTarget;

    // Capture the ClusterIP.
    if (hasInternal)
      top.nat.push(
        `-A ${KUBE_SERVICES} -m comment --comment ${q(`${name} cluster IP`)} ${vip(sp.clusterIP, sp.port)} -j ${internalChain}`,
      );
    else
      top.filter.push(
        `-A ${KUBE_SERVICES} ${internalFilter} ${vip(sp.clusterIP, sp.port)} -j ${internalTarget}`,
      );

    for (const ip of sp.externalIPs) {
      if (hasEndpoints)
        top.nat.push(
          `-A ${KUBE_SERVICES} -m comment --comment ${q(`${name} external IP`)} ${vip(ip, sp.port)} -j ${chains.external}`,
        );
      if (!hasExternal)
        top.filter.push(
          `-A ${KUBE_EXTERNAL_SERVICES} ${externalFilter} ${vip(ip, sp.port)} -j ${externalTarget}`,
        );
    }

    for (const ip of sp.loadBalancerIPs) {
      if (hasEndpoints)
        top.nat.push(
          `-A ${KUBE_SERVICES} -m comment --comment ${q(`${name} loadbalancer IP`)} ${vip(ip, sp.port)} -j ${lbChain}`,
        );
      if (usesFwChain)
        top.filter.push(
          `-A ${KUBE_PROXY_FIREWALL} -m comment --comment ${q(`${name} traffic not accepted by ${chains.firewall}`)} ${vip(ip, sp.port)} -j DROP`,
        );
    }
    if (!hasExternal)
      for (const ip of sp.loadBalancerIPs)
        top.filter.push(
          `-A ${KUBE_EXTERNAL_SERVICES} ${externalFilter} ${vip(ip, sp.port)} -j ${externalTarget}`,
        );

    if (sp.nodePort > 0) {
      if (hasEndpoints)
        top.nat.push(
          `-A ${KUBE_NODEPORTS} -m comment --comment ${name} ${match} --dport ${sp.nodePort} -j ${chains.external}`,
        );
      if (!hasExternal)
        top.filter.push(
          `-A ${KUBE_EXTERNAL_SERVICES} ${externalFilter} -m addrtype --dst-type LOCAL ${match} --dport ${sp.nodePort} -j ${externalTarget}`,
        );
    }

    if (sp.healthCheckNodePort > 0)
      top.filter.push(
        `-A ${KUBE_NODEPORTS} -m comment --comment ${q(`${name} health check node port`)} -m tcp -p tcp --dport ${sp.healthCheckNodePort} -j ACCEPT`,
      );

    if (full) {
      filterRules.push(...top.filter.slice(topFilterStart));
      natRules.push(...top.nat.slice(topNatStart));
    }

    // Unchanged services keep the chains and rules an earlier sync wrote.
    if (!full && !changed.has(sp.service)) continue;

    if (hasInternal) {
      const args = `-m comment --comment ${q(`${name} cluster IP`)} ${vip(sp.clusterIP, sp.port)}`;
      // Off-cluster traffic to a ClusterIP may leave the node again towards the endpoint.
      if (ifNotLocal) natRules.push(`-A ${internalChain} ${args} ${ifNotLocal} -j ${KUBE_MARK_MASQ}`);
    }

    if (usesExtChain) {
      const ext = chains.external;
      natChains.push(`:${ext} - [0:0]`);
      if (!sp.externalPolicyLocal) {
        // Endpoints may be on another node: masquerade so replies come back through this one.
        natRules.push(
          `-A ${ext} -m comment --comment ${q(`masquerade traffic for ${name} external destinations`)} -j ${KUBE_MARK_MASQ}`,
        );
      } else {
        // Pods and the node itself reach external destinations as if from outside and back.
        if (ifLocal)
          natRules.push(
            `-A ${ext} -m comment --comment ${q(`pod traffic for ${name} external destinations`)} ${ifLocal} -j ${chains.cluster}`,
          );
        natRules.push(
          `-A ${ext} -m comment --comment ${q(`masquerade LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j ${KUBE_MARK_MASQ}`,
          `-A ${ext} -m comment --comment ${q(`route LOCAL traffic for ${name} external destinations`)} -m addrtype --src-type LOCAL -j ${chains.cluster}`,
        );
      }
      if (hasExternal) natRules.push(`-A ${ext} -j ${externalPolicyChain}`);
    }

    if (usesFwChain) {
      const fw = chains.firewall;
      natChains.push(`:${fw} - [0:0]`);
      const args = `-A ${fw} -m comment --comment ${q(`${name} loadbalancer IP`)}`;
      for (const cidr of sp.loadBalancerSourceRanges)
        natRules.push(`${args} -s ${cidr} -j ${chains.external}`);
      natRules.push(
        `-A ${fw} -m comment --comment ${q(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`)}`,
      );
    }

    if (usesClusterChain) {
      natChains.push(`:${chains.cluster} - [0:0]`);
      writeServiceToEndpoints(natRules, sp, chains.cluster, cluster);
    }
    if (usesLocalChain) {
      natChains.push(`:${chains.local} - [0:0]`);
      writeServiceToEndpoints(natRules, sp, chains.local, local);
    }

    for (const ep of reachable) {
      const epChain = endpointChainOf(sp, ep);
      natChains.push(`:${epChain} - [0:0]`);
      // Hairpin: a pod reaching itself through the service is masqueraded, or it would answer itself.
      natRules.push(`-A ${epChain} -m comment --comment ${name} -s ${ep.ip} -j ${KUBE_MARK_MASQ}`);
      const affinity = sp.stickySeconds > 0 ? ` -m recent --name ${epChain} --set` : '';
      natRules.push(
        `-A ${epChain} -m comment --comment ${name}${affinity} ${match} -j DNAT --to-destination ${ep.address}`,
      );
    }
  }

  for (const chain of opts.staleChains ?? []) {
    if (active.has(chain)) continue;
    // A chain line flushes it; then it can go.
    natChains.push(`:${chain} - [0:0]`);
    natRules.push(`-X ${chain}`);
  }

  const filterDelta: string[] = [];
  const natDelta: string[] = [];
  if (full) {
    // NodePorts last: after every ClusterIP, external IP and load balancer rule.
    const nodePortsComment = `-m comment --comment ${q('kubernetes service nodeports; NOTE: this must be the last rule in this chain')}`;
    if (opts.nodePortIPs === undefined)
      natRules.push(
        `-A ${KUBE_SERVICES} ${nodePortsComment} -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j ${KUBE_NODEPORTS}`,
      );
    else
      for (const ip of opts.nodePortIPs)
        if (!ip.startsWith('127.'))
          natRules.push(`-A ${KUBE_SERVICES} ${nodePortsComment} -d ${ip} -j ${KUBE_NODEPORTS}`);

    filterRules.push(
      `-A ${KUBE_FORWARD} -m conntrack --ctstate INVALID -j DROP`,
      // Let marked (service) traffic through even where the FORWARD policy is DROP.
      `-A ${KUBE_FORWARD} -m comment --comment ${q('kubernetes forwarding rules')} -m mark --mark ${mark} -j ACCEPT`,
      `-A ${KUBE_FORWARD} -m comment --comment ${q('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    );
  } else {
    // Only the changed services' lines move. New ones go first in their chain, which keeps the
    // NodePorts catch-all last in KUBE-SERVICES; service rules match disjoint traffic, so
    // their order does not matter otherwise.
    const empty: TopLevelRules = { filter: [], nat: [] };
    for (const key of changed) {
      const before = opts.previousTopLevel?.get(key) ?? empty;
      const after = topLevel.get(key) ?? empty;
      for (const [old, now, out] of [
        [before.filter, after.filter, filterDelta],
        [before.nat, after.nat, natDelta],
      ] as const) {
        const keep = new Set(now);
        const had = new Set(old);
        for (const line of old) if (!keep.has(line)) out.push(`-D ${line.slice(3)}`);
        for (const line of now) {
          if (had.has(line)) continue;
          const [, chain, rest] = /^-A (\S+) (.*)$/.exec(line)!;
          out.push(`-I ${chain} 1 ${rest}`);
        }
      }
    }
  }

  const text = [
    '*filter',
    ...filterChains,
    ...(full ? (opts.jumps?.filter ?? []) : []),
    ...filterDelta,
    ...filterRules,
    'COMMIT',
    '*nat',
    ...natChains,
    ...(full ? (opts.jumps?.nat ?? []) : []),
    ...natDelta,
    ...natRules,
    'COMMIT',
    '',
  ].join('\n');
  return { text, natChains: active, topLevel };
}

/** Session affinity first (a known client goes back to its endpoint), then the random spread. */
function writeServiceToEndpoints(
  out: string[],
  sp: ProxyServicePort,
  chain: string,
  endpoints: readonly ProxyEndpoint[],
): void {
  if (sp.stickySeconds > 0)
    for (const ep of endpoints)
      out.push(
        `-A ${chain} -m comment --comment ${q(`${sp.name} -> ${ep.address}`)} -m recent --name ${endpointChainOf(sp, ep)} --rcheck --seconds ${sp.stickySeconds} --reap -j ${endpointChainOf(sp, ep)}`,
      );
  const n = endpoints.length;
  endpoints.forEach((ep, i) => {
    // Rule i takes 1/(n-i) of what reaches it, so each endpoint gets 1/n overall; the last takes the rest.
    const statistic = i < n - 1 ? ` -m statistic --mode random --probability ${probability(n - i)}` : '';
    out.push(
      `-A ${chain} -m comment --comment ${q(`${sp.name} -> ${ep.address}`)}${statistic} -j ${endpointChainOf(sp, ep)}`,
    );
  });
}
