import { describe, expect, it } from 'vitest';
import { hostNetworkKind } from './host-network.ts';
import { attachedDisks, parseHostOnlyNetworks, parseMachineReadable } from './output.ts';

describe('VirtualBox host-only networking', () => {
  it('uses host-only networks on macOS with VirtualBox 7, adapters everywhere else', () => {
    expect(hostNetworkKind('darwin', '7.0.14')).toBe('hostonlynet');
    expect(hostNetworkKind('darwin', '7.1.4')).toBe('hostonlynet');
    expect(hostNetworkKind('darwin', '6.1.50')).toBe('hostonlyif');
    expect(hostNetworkKind('linux', '7.1.4')).toBe('hostonlyif');
    expect(hostNetworkKind('win32', '7.0.14')).toBe('hostonlyif');
    expect(hostNetworkKind('darwin', undefined)).toBe('hostonlyif');
  });

  it('reads `list hostonlynets`', () => {
    const listed =
      'Name:            flotilla\nGUID:            3e7b1a4c-2f1d-4c5e-9a7b-000000000001\nState:           Enabled\nNetworkMask:     255.255.255.0\nLowerIP:         192.168.56.100\nUpperIP:         192.168.56.199\nVBoxNetworkName: hostonly-flotilla\n\nName:            other\nLowerIP:         192.168.57.100\n';
    expect(parseHostOnlyNetworks(listed)).toEqual([
      { name: 'flotilla', lowerIp: '192.168.56.100', networkName: 'hostonly-flotilla' },
      { name: 'other', lowerIp: '192.168.57.100', networkName: undefined },
    ]);
  });

  it("finds a VM's hard disks in showvminfo, not its DVDs or image UUIDs", () => {
    const info = parseMachineReadable(
      '"SATA Controller-0-0"="/vms/n1/n1-disk001.vdi"\n"SATA Controller-ImageUUID-0-0"="6f0e2a1b-0000"\n"SATA Controller-1-0"="none"\n"Flotilla seed-0-0"="/n1/seed.iso"\n',
    );
    expect(attachedDisks(info)).toEqual([
      { controller: 'SATA Controller', port: '0', device: '0', path: '/vms/n1/n1-disk001.vdi' },
    ]);
  });
});
