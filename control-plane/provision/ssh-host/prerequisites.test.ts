import { describe, expect, it } from 'vitest';
import { checkFacts, parseFacts } from './prerequisites.ts';

const good = `os=Linux
sudo=root
systemd=yes
cgroupfs=cgroup2fs
listen=0.0.0.0:22
listen=127.0.0.53%lo:53
listen=[::]:22
present=containerd
present=runc
present=iptables
present=cni
cnibindir=/usr/lib/cni
permitrootlogin=prohibit-password
`;

describe('ssh host prerequisites', () => {
  it('pass on a plain Linux host with systemd, cgroup v2 and a local resolver on 127.0.0.53', () => {
    const facts = parseFacts(good);
    expect(facts).toMatchObject({ os: 'Linux', sudo: 'root', systemd: true, cniBinDir: '/usr/lib/cni' });
    expect(checkFacts(facts)).toEqual({ failures: [], warnings: [] });
  });

  it('report every failure at once', () => {
    const facts = parseFacts(
      `os=Darwin\nsudo=no\nsystemd=no\ncgroupfs=\nrunning=k3s\nlisten=*:10250\nlisten=10.0.0.5:53\npermitrootlogin=no\nflotilla=installed\n`,
    );
    const { failures, warnings } = checkFacts(facts);
    expect(failures).toEqual([
      'the host runs Darwin, not Linux',
      'the SSH user is not root and cannot use sudo without a password (add a NOPASSWD sudoers rule)',
      'no cgroup file system at /sys/fs/cgroup (found nothing)',
      'k3s is running: a host can only have one kubelet (stop and disable it first)',
      'a Flotilla agent is already installed (flotilla-agent.service)',
      'sshd does not allow root logins (PermitRootLogin no); Flotilla manages the node as root with its own key',
      'port 10250 (the kubelet API) is in use on *:10250',
      'port 53 (cluster DNS) is in use on 10.0.0.5:53',
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/systemd/);
  });

  it('accept cgroup v1 and warn when ports cannot be listed', () => {
    const facts = parseFacts('os=Linux\nsudo=yes\nsystemd=yes\ncgroupfs=tmpfs\nlisten=unknown\n');
    expect(checkFacts(facts)).toEqual({
      failures: [],
      warnings: ['could not list listening ports (no `ss`); ports 10250 and 53 not checked'],
    });
  });
});
