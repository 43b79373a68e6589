// The node agent's configuration file (YAML or JSON), as the installer writes it next to the
// systemd unit. Paths are absolute; everything that has a sensible default may be left out.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';
/** The API server's service range (control-plane/apiserver/registry/allocators/service-allocator.ts). */
const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

export interface AgentConfig {
  /** The Node object's name. */
  nodeName: string;
  /** How the agent reaches the API server: a kubeconfig, or a URL + CA + bearer token. */
  kubeconfig?: string;
  apiServer?: string;
  caFile?: string;
  token?: string;
  /**
   * A kubeconfig with a bootstrap token (kubelet's --bootstrap-kubeconfig): when `kubeconfig`
   * does not exist yet, the agent trades it for its own client certificate and writes
   * `kubeconfig` (default `<dataDir>/kubeconfig.yaml`); see agent/bootstrap/.
   */
  bootstrapKubeconfig?: string;
  /** How long to wait for a requested certificate to be approved and issued (default 600). */
  bootstrapTimeoutSeconds: number;
  /** containerd's CRI socket. */
  containerRuntimeEndpoint: string;
  /** Where the runtime reads CNI configs; the agent writes the pod network there. */
  cniConfDir: string;
  /** 'node' waits for spec.podCIDR from the node IPAM controller; a CIDR uses that one. */
  podCIDR: 'node' | string;
  /** Volumes, pod logs and IPAM leases live here. */
  dataDir: string;
  /** The node's InternalIP (hostIP of its pods). */
  nodeIP: string;
  /** cgroupfs parent of every pod's cgroup. */
  cgroupParent: string;
  /** Cluster DNS servers for dnsPolicy ClusterFirst (default 10.96.0.10); []: pods get the node's resolv.conf. */
  clusterDNS: string[];
  clusterDomain: string;
  /** Seconds between Lease renewals (upstream: 10). */
  leaseRenewSeconds: number;
  /**
   * Routes to other nodes' podCIDRs (agent/cni/routes.ts): `host-gw` (a route via each node on
   * this node's link, VXLAN for the others), `vxlan` (VXLAN to every node), or `none` (the
   * provider routes). Only for an agent running inside its node. Default none.
   */
  podRoutes: 'none' | 'host-gw' | 'vxlan';
  /**
   * All pods' addresses (the controller manager's --cluster-cidr): kept free of masquerade between
   * pods, and kube-proxy masquerades traffic from outside it to a ClusterIP. Default 10.244.0.0/16.
   */
  clusterCIDR: string;
  /**
   * The ClusterIP range (the API server's --service-cluster-ip-range), default 10.96.0.0/12: in
   * nftables mode kube-proxy drops traffic to its addresses no Service has.
   */
  serviceCIDR: string;
  /** Cluster DNS on this node (agent/dns): off by default; `listen` defaults to `<nodeIP>:53`. */
  dns: { enabled: boolean; listen: string };
  /** kube-proxy (agent/proxy) in this node's network namespace: 'none' by default (tests run the agent on the host). */
  proxy: {
    mode: 'iptables' | 'nftables' | 'none';
    /** The top-level clusterCIDR, or a differing `proxy.clusterCIDR` of an older agent.yaml. */
    clusterCIDR: string;
    /** The top-level serviceCIDR. */
    serviceCIDR: string;
    /** Config keys that still work but should go, for kube-proxy to warn about. */
    deprecations: string[];
    nodePortAddresses: string[];
    /** kube-proxy's /healthz listener (host:port); default 0.0.0.0:10256. */
    healthzBindAddress?: string;
  };
  /** The ingress controller on this node (agent/ingress): off by default. */
  ingress: { enabled: boolean; httpPort: number; httpsPort: number };
  /** The kubelet API (logs, exec, attach, port-forward) on <nodeIP>:kubeletPort; 0: off. */
  kubeletPort: number;
  /** Its serving certificate and key (PEM files); without them the kubelet API stays off. */
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  /** CA of the client certificates the kubelet API accepts (default: caFile). */
  clientCAFile?: string;
}

export function loadAgentConfig(file: string): AgentConfig {
  return parseAgentConfig(parse(readFileSync(file, 'utf8')) as Record<string, unknown>, file);
}

export function parseAgentConfig(raw: Record<string, unknown>, source = 'config'): AgentConfig {
  const str = (key: string, fallback?: string): string => {
    const v = raw[key] ?? fallback;
    if (typeof v !== 'string' || v === '') throw new Error(`${source}: ${key} must be a non-empty string`);
    return v;
  };
  const optional = (key: string): string | undefined =>
    typeof raw[key] === 'string' && raw[key] !== '' ? (raw[key] as string) : undefined;
  const clusterCIDR = str('clusterCIDR', DEFAULT_CLUSTER_CIDR);
  const serviceCIDR = ipv4Cidr(raw.serviceCIDR ?? DEFAULT_SERVICE_CIDR, 'serviceCIDR', source);
  const config: AgentConfig = {
    nodeName: str('nodeName', hostname()),
    kubeconfig: optional('kubeconfig'),
    apiServer: optional('apiServer'),
    caFile: optional('caFile'),
    token: optional('token'),
    bootstrapKubeconfig: optional('bootstrapKubeconfig'),
    bootstrapTimeoutSeconds:
      typeof raw.bootstrapTimeoutSeconds === 'number' && raw.bootstrapTimeoutSeconds > 0
        ? raw.bootstrapTimeoutSeconds
        : 600,
    containerRuntimeEndpoint: str('containerRuntimeEndpoint', '/run/containerd/containerd.sock'),
    cniConfDir: str('cniConfDir', '/etc/cni/net.d'),
    podCIDR: str('podCIDR', 'node'),
    dataDir: str('dataDir', '/var/lib/flotilla/agent'),
    nodeIP: str('nodeIP'),
    cgroupParent: str('cgroupParent', 'flotilla'),
    // kubeadm's default: the kube-dns Service, the 10th address of 10.96.0.0/12.
    clusterDNS: Array.isArray(raw.clusterDNS) ? raw.clusterDNS.map(String) : ['10.96.0.10'],
    clusterDomain: str('clusterDomain', 'cluster.local'),
    leaseRenewSeconds: typeof raw.leaseRenewSeconds === 'number' ? raw.leaseRenewSeconds : 10,
    podRoutes: podRoutesMode(raw.podRoutes, source),
    clusterCIDR,
    serviceCIDR,
    dns: serviceEdge(raw.dns, (d) => ({
      enabled: d.enabled === true,
      listen: typeof d.listen === 'string' && d.listen ? d.listen : `${str('nodeIP')}:53`,
    })),
    proxy: serviceEdge(raw.proxy, (p) => {
      if (p.mode !== undefined && p.mode !== 'iptables' && p.mode !== 'nftables' && p.mode !== 'none')
        throw new Error(
          `${source}: proxy.mode must be iptables, nftables or none, not ${JSON.stringify(p.mode)}`,
        );
      return {
        mode: p.mode === 'iptables' || p.mode === 'nftables' ? p.mode : 'none',
        ...proxyClusterCIDR(p.clusterCIDR, clusterCIDR),
        serviceCIDR,
        nodePortAddresses: Array.isArray(p.nodePortAddresses) ? p.nodePortAddresses.map(String) : [],
        ...(typeof p.healthzBindAddress === 'string' && p.healthzBindAddress
          ? { healthzBindAddress: p.healthzBindAddress }
          : {}),
      };
    }),
    ingress: serviceEdge(raw.ingress, (i) => ({
      enabled: i.enabled === true,
      httpPort: typeof i.httpPort === 'number' ? i.httpPort : 80,
      httpsPort: typeof i.httpsPort === 'number' ? i.httpsPort : 443,
    })),
    kubeletPort: typeof raw.kubeletPort === 'number' ? raw.kubeletPort : 10250,
    tlsCertFile: optional('tlsCertFile'),
    tlsPrivateKeyFile: optional('tlsPrivateKeyFile'),
    clientCAFile: optional('clientCAFile'),
  };
  if (config.bootstrapKubeconfig && !config.kubeconfig)
    config.kubeconfig = join(config.dataDir, 'kubeconfig.yaml');
  if (!config.kubeconfig && !(config.apiServer && config.token))
    throw new Error(`${source}: give either bootstrapKubeconfig, kubeconfig or apiServer with token`);
  return config;
}

/** The `dns:`, `proxy:` and `ingress:` sections: an object (or nothing) read with the section's defaults. */
function serviceEdge<T>(raw: unknown, read: (section: Record<string, unknown>) => T): T {
  return read(raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {});
}

function podRoutesMode(raw: unknown, source: string): AgentConfig['podRoutes'] {
  if (raw === undefined || raw === null || raw === '') return 'none';
  if (raw === 'none' || raw === 'host-gw' || raw === 'vxlan') return raw;
  throw new Error(`${source}: podRoutes must be none, host-gw or vxlan, not ${JSON.stringify(raw)}`);
}

/**
 * kube-proxy's pod network: the top-level clusterCIDR, unless an agent.yaml written before it
 * moved there still says `proxy.clusterCIDR` and means another range (that one was what the
 * proxy used, so it keeps winning, with a warning).
 */
function proxyClusterCIDR(legacy: unknown, clusterCIDR: string) {
  if (typeof legacy !== 'string' || legacy === '' || legacy === clusterCIDR)
    return { clusterCIDR, deprecations: [] };
  return {
    clusterCIDR: legacy,
    deprecations: [
      `proxy.clusterCIDR is deprecated: kube-proxy uses ${legacy} from it, not clusterCIDR ${clusterCIDR}; set the top-level clusterCIDR and remove proxy.clusterCIDR`,
    ],
  };
}

/** A network address with its prefix length, `a.b.c.d/n`, without host bits. */
function ipv4Cidr(raw: unknown, key: string, source: string): string {
  const fail = () =>
    new Error(`${source}: ${key} must be an IPv4 CIDR such as 10.96.0.0/12, not ${JSON.stringify(raw)}`);
  const m =
    typeof raw === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(raw) : null;
  if (!m) throw fail();
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) throw fail();
  const address = octets.reduce((n, o) => n * 256 + o, 0);
  if (address % 2 ** (32 - bits) !== 0)
    throw new Error(`${source}: ${key} ${raw} has host bits set: give the range's first address`);
  return raw as string;
}
