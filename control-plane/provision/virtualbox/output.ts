// Parsing what VBoxManage prints, as documented in the VirtualBox manual, chapter 8
// (https://www.virtualbox.org/manual/ch08.html):
//   `VBoxManage --version`: "7.0.14r161095"
//   `showvminfo NAME --machinereadable`: key="value" lines (VMState="running", macaddress2="080027..."),
//     numeric values unquoted (memory=2048)
//   `guestproperty get NAME PROP`: "Value: 192.168.56.101" or "No value set!"
//   `dhcpserver findlease --interface=IF --mac-address=MAC`: "IP Address:  192.168.56.101" ...
//   `list hostonlyifs`: blocks of "Name:            vboxnet0" / "IPAddress:       192.168.56.1" ...
//   `list hostonlynets` (7.0+): blocks of "Name:" / "NetworkMask:" / "LowerIP:" / "UpperIP:" /
//     "VBoxNetworkName:"
//   `showvminfo` disks: "<controller>-<port>-<device>"="<path>" ("none" / "emptydrive" when empty)

export function parseVersion(stdout: string): string | undefined {
  return /^(\d+\.\d+\.\d+)/m.exec(stdout.trim())?.[1];
}

export function parseMachineReadable(stdout: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^("?)([^"=]+)\1=(.*)$/.exec(line.trim());
    if (!m) continue;
    const raw = m[3]!;
    values[m[2]!] = raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  }
  return values;
}

export function parseGuestProperty(stdout: string): string | undefined {
  return /^Value:\s*(\S+)/m.exec(stdout)?.[1];
}

export function parseLease(stdout: string): string | undefined {
  return /^IP Address:\s*(\d+\.\d+\.\d+\.\d+)/m.exec(stdout)?.[1];
}

export interface HostOnlyInterface {
  name: string;
  ip?: string;
  mask?: string;
}

export function parseHostOnlyInterfaces(stdout: string): HostOnlyInterface[] {
  return stdout
    .split(/\n\s*\n/)
    .map((block) => ({
      name: /^Name:\s*(.+)$/m.exec(block)?.[1]?.trim() ?? '',
      ip: /^IPAddress:\s*(\S+)/m.exec(block)?.[1],
      mask: /^NetworkMask:\s*(\S+)/m.exec(block)?.[1],
    }))
    .filter((i) => i.name !== '');
}

/** "080027AABBCC" (showvminfo) to "08:00:27:aa:bb:cc" (findlease). */
export function colonMac(mac: string): string {
  return (mac.toLowerCase().match(/../g) ?? []).join(':');
}

export interface HostOnlyNetwork {
  name: string;
  lowerIp?: string;
  networkName?: string;
}

export function parseHostOnlyNetworks(stdout: string): HostOnlyNetwork[] {
  return stdout
    .split(/\n\s*\n/)
    .map((block) => ({
      name: /^Name:\s*(.+)$/m.exec(block)?.[1]?.trim() ?? '',
      lowerIp: /^LowerIP:\s*(\S+)/m.exec(block)?.[1],
      networkName: /^VBoxNetworkName:\s*(\S+)/m.exec(block)?.[1],
    }))
    .filter((n) => n.name !== '');
}

export interface AttachedDisk {
  controller: string;
  port: string;
  device: string;
  path: string;
}

/** Hard disk images attached to a VM (showvminfo --machinereadable), DVDs (.iso) left out. */
export function attachedDisks(info: Record<string, string>): AttachedDisk[] {
  const disks: AttachedDisk[] = [];
  for (const [key, path] of Object.entries(info)) {
    const m = /^(.+)-(\d+)-(\d+)$/.exec(key);
    if (!m || !/\.(vdi|vmdk|vhd)$/i.test(path)) continue;
    disks.push({ controller: m[1]!, port: m[2]!, device: m[3]!, path });
  }
  return disks;
}
