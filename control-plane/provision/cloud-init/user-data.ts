// NoCloud seed content for a VM node: the cloud-config user-data, the meta-data and an
// optional network-config. The node's SSH host key is one Flotilla generated, so it is pinned
// before the first connection (never trusted on first use); the cluster's key is the only way
// in (as root); the container runtime comes from the distribution.
// Reference: https://cloudinit.readthedocs.io/en/latest/reference/modules.html (cc_ssh,
// cc_set_hostname, cc_package_update_upgrade_install) and
// https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html
import { parse, stringify } from 'yaml';

/** Distribution packages every VM node needs (Debian/Ubuntu names). */
export const NODE_PACKAGES = ['containerd', 'runc', 'containernetworking-plugins', 'iptables'];

export interface UserDataSpec {
  hostname: string;
  /** The node's host key pair, OpenSSH format. */
  hostKey: { privateKey: string; publicKey: string };
  /** The cluster's client public key, authorized for root. */
  authorizedKey: string;
  packages?: string[];
}

export function userData(spec: UserDataSpec): string {
  const config = {
    hostname: spec.hostname,
    preserve_hostname: false,
    manage_etc_hosts: true,
    // Only the key we pinned: drop the image's keys and generate none.
    ssh_deletekeys: true,
    ssh_genkeytypes: [],
    ssh_keys: {
      ed25519_private: spec.hostKey.privateKey.trimEnd() + '\n',
      ed25519_public: spec.hostKey.publicKey.trim(),
    },
    // With disable_root false, cloud-init authorizes these keys for root as well, unprefixed.
    disable_root: false,
    ssh_pwauth: false,
    ssh_authorized_keys: [spec.authorizedKey.trim()],
    package_update: true,
    packages: spec.packages ?? NODE_PACKAGES,
  };
  return `#cloud-config\n# Written by Flotilla for node ${spec.hostname}.\n${stringify(config, { lineWidth: 0 })}`;
}

export function metaData(instanceId: string, hostname: string): string {
  return stringify({ 'instance-id': instanceId, 'local-hostname': hostname });
}

/**
 * Network config v2 for VMs with several NICs (VirtualBox: NAT + host-only): DHCP on every
 * Ethernet interface. The host-only network's DHCP gives no default route, so the NAT one wins.
 */
export function networkConfig(): string {
  return stringify({
    version: 2,
    ethernets: { all: { match: { name: 'e*' }, dhcp4: true } },
  });
}

/** What a fake VM (or a test) reads back out of user-data we wrote. */
export interface ParsedUserData {
  hostname?: string;
  hostPrivateKey?: string;
  hostPublicKey?: string;
  authorizedKeys: string[];
  packages: string[];
}

export function parseUserData(text: string): ParsedUserData {
  if (!text.startsWith('#cloud-config')) throw new Error('user-data is not a #cloud-config document');
  const doc = (parse(text) ?? {}) as Record<string, any>;
  return {
    hostname: doc.hostname,
    hostPrivateKey: doc.ssh_keys?.ed25519_private,
    hostPublicKey: doc.ssh_keys?.ed25519_public,
    authorizedKeys: doc.ssh_authorized_keys ?? [],
    packages: doc.packages ?? [],
  };
}
