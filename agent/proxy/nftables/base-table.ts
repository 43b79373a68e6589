// The fixed part of `table ip kube-proxy`, in upstream's layout (pkg/proxy/nftables): base chains
// hooked into netfilter that hand every packet to a few verdict-map lookups, and the maps and sets
// those lookups use. Per-service chains hang off the map elements (service-objects.ts), so a
// service change touches map elements and its own chains, never these.
export const TABLE = 'kube-proxy';
export const FAMILY = 'ip';
/** The prefix of every command: `add rule ip kube-proxy ...`. */
export const T = `${FAMILY} ${TABLE}`;

export const MASQUERADE_MARK = '0x4000';
export const MARK_FOR_MASQUERADE = 'mark-for-masquerade';
export const REJECT_CHAIN = 'reject-chain';

export const CLUSTER_IPS = 'cluster-ips';
export const NODEPORT_IPS = 'nodeport-ips';
export const SERVICE_IPS = 'service-ips';
export const SERVICE_NODEPORTS = 'service-nodeports';
export const NO_ENDPOINT_SERVICES = 'no-endpoint-services';
export const NO_ENDPOINT_NODEPORTS = 'no-endpoint-nodeports';
export const FIREWALL_IPS = 'firewall-ips';
export const HAIRPIN_ENDPOINTS = 'hairpin-endpoints';

const IP_PROTO_PORT = 'ipv4_addr . inet_proto . inet_service';
const PROTO_PORT = 'inet_proto . inet_service';

/** The shared maps and sets; their elements belong to services (written per service). */
export const SHARED_SETS: { name: string; kind: 'set' | 'map'; type: string; comment: string }[] = [
  { name: CLUSTER_IPS, kind: 'set', type: 'ipv4_addr', comment: 'Active ClusterIPs' },
  { name: NODEPORT_IPS, kind: 'set', type: 'ipv4_addr', comment: 'IPs that accept NodePort traffic' },
  {
    name: SERVICE_IPS,
    kind: 'map',
    type: `${IP_PROTO_PORT} : verdict`,
    comment: 'ClusterIP, ExternalIP and LoadBalancer IP traffic',
  },
  { name: SERVICE_NODEPORTS, kind: 'map', type: `${PROTO_PORT} : verdict`, comment: 'NodePort traffic' },
  {
    name: NO_ENDPOINT_SERVICES,
    kind: 'map',
    type: `${IP_PROTO_PORT} : verdict`,
    comment: 'vmap to drop or reject packets to services with no endpoints',
  },
  {
    name: NO_ENDPOINT_NODEPORTS,
    kind: 'map',
    type: `${PROTO_PORT} : verdict`,
    comment: 'vmap to drop or reject packets to service nodeports with no endpoints',
  },
  {
    name: FIREWALL_IPS,
    kind: 'map',
    type: `${IP_PROTO_PORT} : verdict`,
    comment: 'destinations that are subject to LoadBalancerSourceRanges',
  },
  {
    name: HAIRPIN_ENDPOINTS,
    kind: 'set',
    type: 'ipv4_addr . ipv4_addr',
    comment: 'endpoint IPs as ip . ip: after DNAT, a pod reaching itself',
  },
];

/**
 * Sets whose elements several services may share (two services with the same endpoint IP): a
 * partial sync only adds to them, and a full sync rewrites them. An element no longer used does
 * no harm until then: `ct status dnat ip saddr . ip daddr @hairpin-endpoints` can only match a
 * packet that was DNATed back to its own sender, which is a hairpin whoever's endpoint it is.
 */
export const ADD_ONLY_SETS: ReadonlySet<string> = new Set([HAIRPIN_ENDPOINTS]);

export interface BaseChain {
  name: string;
  /** `type nat hook prerouting priority dstnat` for base chains; absent for regular chains. */
  hook?: string;
  rules: string[];
}

/**
 * The base chains and their helpers. `nodePortIPs` undefined: NodePorts answer on every local
 * address but 127.0.0.0/8 (fib daddr type local); otherwise on the addresses in @nodeport-ips.
 */
export function baseChains(opts: { nodePortIPs?: readonly string[]; serviceCIDR?: string }): BaseChain[] {
  const nodePortDestination =
    opts.nodePortIPs === undefined
      ? 'fib daddr type local ip daddr != 127.0.0.0/8'
      : `ip daddr @${NODEPORT_IPS}`;
  return [
    // Filter chains run before DNAT (priority -110, dstnat - 10): they still see the service IP.
    {
      name: 'filter-prerouting',
      hook: 'type filter hook prerouting priority dstnat - 10',
      rules: ['ct state new jump firewall-check'],
    },
    {
      name: 'filter-input',
      hook: 'type filter hook input priority -110',
      rules: ['ct state new jump nodeport-endpoints-check', 'ct state new jump service-endpoints-check'],
    },
    {
      name: 'filter-forward',
      hook: 'type filter hook forward priority -110',
      rules: ['ct state new jump service-endpoints-check', 'ct state new jump cluster-ips-check'],
    },
    {
      name: 'filter-output',
      hook: 'type filter hook output priority -110',
      rules: ['ct state new jump service-endpoints-check', 'ct state new jump firewall-check'],
    },
    {
      // After DNAT: a packet still addressed to a ClusterIP matched no service port.
      name: 'filter-output-post-dnat',
      hook: 'type filter hook output priority -90',
      rules: ['ct state new jump cluster-ips-check'],
    },
    {
      name: 'nat-prerouting',
      hook: 'type nat hook prerouting priority dstnat',
      rules: ['jump services'],
    },
    // nft 1.0 names priorities (dstnat) only in prerouting; -100 is the same in output.
    { name: 'nat-output', hook: 'type nat hook output priority -100', rules: ['jump services'] },
    {
      name: 'nat-postrouting',
      hook: 'type nat hook postrouting priority srcnat',
      rules: [
        // Hairpin (a pod reaching itself through a service) is masqueraded, or the pod would answer
        // itself. Upstream tests the source in every endpoint chain; one set lookup here lets
        // services DNAT in their own chain, without a chain per endpoint (docs/kube-proxy.md).
        `ct status dnat ip saddr . ip daddr @${HAIRPIN_ENDPOINTS} jump ${MARK_FOR_MASQUERADE} comment "hairpin"`,
        'jump masquerading',
      ],
    },
    {
      name: 'cluster-ips-check',
      rules: [
        `ip daddr @${CLUSTER_IPS} reject comment "Reject traffic to invalid ports of ClusterIPs"`,
        // What is left in the service range belongs to no Service: dropped here rather than routed
        // out of the node (the default route would send it off the node, or in a loop).
        ...(opts.serviceCIDR
          ? [`ip daddr ${opts.serviceCIDR} drop comment "Drop traffic to unallocated ClusterIPs"`]
          : []),
      ],
    },
    {
      name: 'firewall-check',
      rules: [`ip daddr . meta l4proto . th dport vmap @${FIREWALL_IPS}`],
    },
    {
      name: 'service-endpoints-check',
      rules: [`ip daddr . meta l4proto . th dport vmap @${NO_ENDPOINT_SERVICES}`],
    },
    {
      name: 'nodeport-endpoints-check',
      rules: [`${nodePortDestination} meta l4proto . th dport vmap @${NO_ENDPOINT_NODEPORTS}`],
    },
    {
      name: REJECT_CHAIN,
      rules: ['reject comment "helper for @no-endpoint-services / @no-endpoint-nodeports"'],
    },
    {
      name: 'services',
      rules: [
        `ip daddr . meta l4proto . th dport vmap @${SERVICE_IPS}`,
        `${nodePortDestination} meta l4proto . th dport vmap @${SERVICE_NODEPORTS}`,
      ],
    },
    { name: MARK_FOR_MASQUERADE, rules: [`meta mark set meta mark | ${MASQUERADE_MARK}`] },
    {
      name: 'masquerading',
      rules: [
        `meta mark & ${MASQUERADE_MARK} == 0 return`,
        // Clear the mark so a packet that passes through the stack again is not masqueraded twice.
        `meta mark set meta mark ^ ${MASQUERADE_MARK}`,
        'masquerade fully-random',
      ],
    },
  ];
}
