// The CNI network configuration list a node's container runtime reads (containerd: the CRI
// plugin's conf_dir). Pods get a veth into the node's `cni0` bridge and an address from the
// node's podCIDR (host-local IPAM); `cni0` is their gateway and masquerades traffic leaving
// the pod network; portmap implements hostPort. The pod's `lo` is not part of this chain:
// every plugin in a chain acts on the pod's eth0, and containerd's CRI brings `lo` up with
// its own loopback network; `loopbackConfig` is there for a caller that invokes CNI itself.
// The plugins are the reference ones (Debian: containernetworking-plugins, /usr/lib/cni).

export const CNI_VERSION = '1.0.0';
export const NETWORK_NAME = 'flotilla';
export const BRIDGE_NAME = 'cni0';
export const CONFLIST_FILE = '10-flotilla.conflist';

export interface PodNetworkOptions {
  /** The node's pod CIDR, e.g. 10.244.1.0/24. */
  podCIDR: string;
  /** Where host-local keeps its leases; default is the plugin's own (/var/lib/cni/networks). */
  ipamDataDir?: string;
  mtu?: number;
}

export interface CniConflist {
  cniVersion: string;
  name: string;
  plugins: Record<string, unknown>[];
}

export function podNetworkConflist({ podCIDR, ipamDataDir, mtu }: PodNetworkOptions): CniConflist {
  const ipam: Record<string, unknown> = {
    type: 'host-local',
    ranges: [[{ subnet: podCIDR }]],
    routes: [{ dst: '0.0.0.0/0' }],
  };
  if (ipamDataDir) ipam.dataDir = ipamDataDir;
  const bridge: Record<string, unknown> = {
    type: 'bridge',
    bridge: BRIDGE_NAME,
    isGateway: true,
    ipMasq: true,
    hairpinMode: true, // a pod can reach itself through its Service IP
    ipam,
  };
  if (mtu) bridge.mtu = mtu;
  return {
    cniVersion: CNI_VERSION,
    name: NETWORK_NAME,
    plugins: [bridge, { type: 'portmap', capabilities: { portMappings: true } }],
  };
}

/** The network that brings up a pod's `lo` (invoke with ifName `lo`). */
export function loopbackConfig(): CniConflist {
  return { cniVersion: CNI_VERSION, name: 'cni-loopback', plugins: [{ type: 'loopback' }] };
}

export function renderConflist(options: PodNetworkOptions): string {
  return `${JSON.stringify(podNetworkConflist(options), null, 2)}\n`;
}
