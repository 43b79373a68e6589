// The node's VXLAN device, flannel-style (VNI 1, UDP 8472, no learning): each peer node is a
// static neighbour entry (its VTEP address -> its VTEP MAC) plus a forwarding entry (that MAC
// -> its node IP), so the kernel never floods or learns. The device carries this node's VTEP
// address, the network address of its podCIDR.
import { interfaceWithAddress, ipJson, run } from './routes-ip.ts';
import type { VxlanPeer } from './routes-plan.ts';
import { networkAddress } from './routes-plan.ts';

export const VXLAN_DEVICE = 'flotilla.1';
export const VXLAN_ID = 1;
export const VXLAN_PORT = 8472;
/** The VXLAN header and outer IPv4/UDP/Ethernet headers. */
const VXLAN_OVERHEAD = 50;

/** Creates (or keeps) the device and returns its MAC, the VTEP MAC peers need. */
export async function ensureVxlanDevice(nodeIP: string, podCIDR: string): Promise<string> {
  const existing = await ipJson<{ address: string }>(['link', 'show', 'dev', VXLAN_DEVICE]).catch(() => []);
  if (existing.length === 0) {
    const parent = await interfaceWithAddress(nodeIP);
    if (!parent) throw new Error(`no interface holds the node IP ${nodeIP}`);
    const [link] = await ipJson<{ mtu: number }>(['link', 'show', 'dev', parent]);
    await run('ip', [
      'link',
      'add',
      VXLAN_DEVICE,
      'type',
      'vxlan',
      'id',
      String(VXLAN_ID),
      'local',
      nodeIP,
      'dev',
      parent,
      'dstport',
      String(VXLAN_PORT),
      'nolearning',
    ]);
    await run('ip', ['link', 'set', VXLAN_DEVICE, 'mtu', String((link?.mtu ?? 1500) - VXLAN_OVERHEAD)]);
  }
  await run('ip', ['addr', 'replace', `${networkAddress(podCIDR)}/32`, 'dev', VXLAN_DEVICE]);
  await run('ip', ['link', 'set', VXLAN_DEVICE, 'up']);
  const [dev] = await ipJson<{ address: string }>(['link', 'show', 'dev', VXLAN_DEVICE]);
  return dev!.address;
}

/** Makes the device's neighbour and forwarding entries exactly those of the peers. */
export async function syncVxlanPeers(peers: VxlanPeer[]): Promise<void> {
  for (const p of peers) {
    await run('ip', [
      'neigh',
      'replace',
      p.vtepIP,
      'lladdr',
      p.vtepMac,
      'dev',
      VXLAN_DEVICE,
      'nud',
      'permanent',
    ]);
    await run('bridge', ['fdb', 'replace', p.vtepMac, 'dev', VXLAN_DEVICE, 'dst', p.nodeIP]);
  }
  const neighbours = await ipJson<{ dst: string; lladdr?: string }>(['neigh', 'show', 'dev', VXLAN_DEVICE]);
  for (const n of neighbours)
    if (!peers.some((p) => p.vtepIP === n.dst && p.vtepMac === n.lladdr))
      await run('ip', ['neigh', 'del', n.dst, 'dev', VXLAN_DEVICE]).catch(() => undefined);
  const fdbOut = (await run('bridge', ['-j', 'fdb', 'show', 'dev', VXLAN_DEVICE])).trim();
  const fdb = (fdbOut ? JSON.parse(fdbOut) : []) as { mac: string; dst?: string }[];
  for (const f of fdb)
    if (f.dst && !peers.some((p) => p.vtepMac === f.mac && p.nodeIP === f.dst))
      await run('bridge', ['fdb', 'del', f.mac, 'dev', VXLAN_DEVICE, 'dst', f.dst]).catch(() => undefined);
}
