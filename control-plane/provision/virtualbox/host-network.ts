// Which kind of host-only network the nodes' second NIC plugs into. VirtualBox 7 on macOS has
// no host-only *adapters* any more (its kernel extension is gone; `hostonlyif create` fails
// with /dev/vboxnetctl missing): it has host-only *networks* (`VBoxManage hostonlynet`,
// NIC type `hostonlynet`) instead. Everywhere else, and on macOS with 6.1, adapters it is.
// Manual: https://www.virtualbox.org/manual/ch06.html#network_hostonly and ch08 (hostonlynet).

export type HostNetworkKind = 'hostonlyif' | 'hostonlynet';

export function hostNetworkKind(platform: NodeJS.Platform, version: string | undefined): HostNetworkKind {
  const major = Number(/^(\d+)\./.exec(version ?? '')?.[1] ?? 0);
  return platform === 'darwin' && major >= 7 ? 'hostonlynet' : 'hostonlyif';
}

/**
 * The host-only network Flotilla makes when there is none: macOS VirtualBox only allows
 * 192.168.56.0/21 unless /etc/vbox/networks.conf says otherwise, so the first /24 of it.
 */
export const DEFAULT_HOST_ONLY_NET = {
  name: 'flotilla',
  netmask: '255.255.255.0',
  lowerIp: '192.168.56.100',
  upperIp: '192.168.56.199',
};

/**
 * The internal network name of a host-only network (`VBoxNetworkName` in `list hostonlynets`),
 * which its DHCP server is found by (`dhcpserver findlease --network=`), when the listing
 * does not say.
 */
export function hostOnlyNetNetworkName(name: string): string {
  return `hostonly-${name}`;
}
