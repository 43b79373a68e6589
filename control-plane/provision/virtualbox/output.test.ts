import { describe, expect, it } from 'vitest';
import { vboxError } from './errors.ts';
import {
  colonMac,
  parseGuestProperty,
  parseHostOnlyInterfaces,
  parseLease,
  parseMachineReadable,
  parseVersion,
} from './output.ts';

describe('VBoxManage output', () => {
  it('reads the version, machine-readable VM info, guest properties and leases', () => {
    expect(parseVersion('7.0.14r161095\n')).toBe('7.0.14');
    expect(parseVersion('WARNING: The vboxdrv kernel module is not loaded.\n')).toBeUndefined();
    const info = parseMachineReadable(
      'name="vm"\nmemory=2048\nVMState="running"\n"Flotilla seed-0-0"="/x/seed.iso"\n',
    );
    expect(info).toEqual({
      name: 'vm',
      memory: '2048',
      VMState: 'running',
      'Flotilla seed-0-0': '/x/seed.iso',
    });
    expect(parseGuestProperty('Value: 192.168.56.101\n')).toBe('192.168.56.101');
    expect(parseGuestProperty('No value set!\n')).toBeUndefined();
    expect(parseLease('IP Address:  192.168.56.102\nMAC Address: 08:00:27:00:00:01\n')).toBe(
      '192.168.56.102',
    );
    expect(colonMac('080027AABBCC')).toBe('08:00:27:aa:bb:cc');
  });

  it('lists host-only interfaces', () => {
    const out =
      'Name:            vboxnet0\nIPAddress:       192.168.56.1\nNetworkMask:     255.255.255.0\n\nName:            vboxnet1\nIPAddress:       192.168.57.1\n';
    expect(parseHostOnlyInterfaces(out).map((i) => [i.name, i.ip])).toEqual([
      ['vboxnet0', '192.168.56.1'],
      ['vboxnet1', '192.168.57.1'],
    ]);
    expect(parseHostOnlyInterfaces('')).toEqual([]);
  });

  it('explains VERR codes a user can act on', () => {
    const vtx = vboxError('boot', 'vm', 'VBoxManage: error: VT-x is not available (VERR_VMX_NO_VMX)\n');
    expect(vtx).toMatchObject({ step: 'boot', hint: expect.stringMatching(/VT-x/) });
    expect(vboxError('create VM', 'vm', 'VBoxManage: error: x (VERR_DISK_FULL)').message).toMatch(
      /no disk space/,
    );
    expect(vboxError('create VM', 'vm', 'VBoxManage: error: odd').message).toBe('VBoxManage: odd');
  });
});
