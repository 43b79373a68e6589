// What the pod routes of one node should be (pure, so it is tested without a kernel): for every
// other node with a podCIDR and an InternalIP, either a plain route via that node (host-gw, when
// it sits on one of our links) or a VXLAN peer (its VTEP MAC from its annotation; a node that
// has not published one yet is left out until it does), like flannel's vxlan backend with
// DirectRouting.
import type { Node } from '../../api/types/node.ts';

export type PodRoutesMode = 'host-gw' | 'vxlan';

/** Where a node publishes the MAC of its VXLAN device (flannel: backend-data's VtepMAC). */
export const VTEP_MAC_ANNOTATION = 'flotilla.io/vtep-mac';

export interface DirectRoute {
  podCIDR: string;
  via: string;
}

export interface VxlanPeer {
  podCIDR: string;
  /** The peer's node IP: the outer destination of its VXLAN packets. */
  nodeIP: string;
  vtepMac: string;
  /** The peer's VTEP address (its podCIDR's network address), the next hop of the route. */
  vtepIP: string;
}

export interface RoutePlan {
  direct: DirectRoute[];
  vxlan: VxlanPeer[];
}

export function planRoutes(
  selfName: string,
  nodes: Node[],
  mode: PodRoutesMode,
  onLink: (ip: string) => boolean,
): RoutePlan {
  const plan: RoutePlan = { direct: [], vxlan: [] };
  for (const node of nodes) {
    const name = node.metadata?.name;
    const podCIDR = node.spec?.podCIDR;
    const nodeIP = internalIP(node);
    if (!name || name === selfName || !podCIDR || !nodeIP || node.metadata?.deletionTimestamp) continue;
    if (mode === 'host-gw' && onLink(nodeIP)) {
      plan.direct.push({ podCIDR, via: nodeIP });
      continue;
    }
    const vtepMac = node.metadata?.annotations?.[VTEP_MAC_ANNOTATION];
    if (vtepMac) plan.vxlan.push({ podCIDR, nodeIP, vtepMac, vtepIP: networkAddress(podCIDR) });
  }
  return plan;
}

export function internalIP(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/** 10.244.2.0/24 -> 10.244.2.0 (IPv4; the VTEP address flannel gives a node). */
export function networkAddress(cidr: string): string {
  const [ip, bits] = cidr.split('/') as [string, string];
  const n = ip.split('.').reduce((acc, o) => (acc << 8) | Number(o), 0) >>> 0;
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  const net = (n & mask) >>> 0;
  return [24, 16, 8, 0].map((s) => (net >>> s) & 0xff).join('.');
}
