// Prerequisite checks on an existing host, run before anything on it is changed: one probe
// script gathers the facts, and every failed check is reported at once, so the user fixes
// them all in one go. Warnings (no systemd) do not stop the install.
import type { SshSession } from './connection.ts';

export interface HostFacts {
  os?: string;
  /** 'root' | 'yes' (passwordless sudo) | 'no' */
  sudo?: string;
  systemd?: boolean;
  /** `stat -fc %T /sys/fs/cgroup`: cgroup2fs (v2) or tmpfs (v1). */
  cgroupFs?: string;
  running: string[];
  /** Local "address:port" of listening TCP and bound UDP sockets; undefined without `ss`. */
  listening?: string[];
  /** Runtime pieces already there (containerd, runc, iptables, cni). */
  present: string[];
  cniBinDir?: string;
  permitRootLogin?: string;
  flotillaInstalled: boolean;
}

/** The runtime pieces a node needs, and how each is found. */
export const RUNTIME_PIECES = ['containerd', 'runc', 'iptables', 'cni'] as const;

// Runs as the login user; commands that need root go through `sudo -n` when the user is not root.
export const PROBE_SCRIPT = `
export PATH="$PATH:/usr/sbin:/sbin"
echo "os=$(uname -s)"
if [ "$(id -u)" = 0 ]; then echo sudo=root; SUDO=; elif sudo -n true 2>/dev/null; then echo sudo=yes; SUDO="sudo -n"; else echo sudo=no; SUDO=; fi
[ -d /run/systemd/system ] && echo systemd=yes || echo systemd=no
echo "cgroupfs=$(stat -fc %T /sys/fs/cgroup 2>/dev/null)"
for p in kubelet k3s k3s-server k3s-agent k0s k0s-worker microk8s.daemon-kubelite kubelite; do
  pgrep -x "$p" >/dev/null 2>&1 && echo "running=$p"
done
if command -v ss >/dev/null 2>&1; then ss -Hltnu | awk '{print "listen=" $5}'; else echo listen=unknown; fi
for c in containerd runc iptables; do command -v "$c" >/dev/null 2>&1 && echo "present=$c"; done
for d in /usr/lib/cni /opt/cni/bin; do [ -x "$d/bridge" ] && echo "present=cni" && echo "cnibindir=$d" && break; done
$SUDO sshd -T 2>/dev/null | awk '$1 == "permitrootlogin" { print "permitrootlogin=" $2 }'
[ -e /etc/systemd/system/flotilla-agent.service ] && echo flotilla=installed
true
`;

export function parseFacts(stdout: string): HostFacts {
  const facts: HostFacts = { running: [], present: [], flotillaInstalled: false };
  const listening: string[] = [];
  let listenKnown = true;
  for (const line of stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at < 0) continue;
    const key = line.slice(0, at);
    const value = line.slice(at + 1).trim();
    if (key === 'os') facts.os = value;
    else if (key === 'sudo') facts.sudo = value;
    else if (key === 'systemd') facts.systemd = value === 'yes';
    else if (key === 'cgroupfs') facts.cgroupFs = value;
    else if (key === 'running') facts.running.push(value);
    else if (key === 'listen') {
      if (value === 'unknown') listenKnown = false;
      else listening.push(value);
    } else if (key === 'present') facts.present.push(value);
    else if (key === 'cnibindir') facts.cniBinDir = value;
    else if (key === 'permitrootlogin') facts.permitRootLogin = value;
    else if (key === 'flotilla') facts.flotillaInstalled = true;
  }
  if (listenKnown) facts.listening = listening;
  return facts;
}

export interface CheckReport {
  failures: string[];
  warnings: string[];
}

/** Ports the node agent must own: the kubelet API on every address, DNS on the node's addresses. */
const PORTS: { port: number; what: string; loopbackOk: boolean }[] = [
  { port: 10250, what: 'the kubelet API', loopbackOk: false },
  // A local resolver on loopback (systemd-resolved's 127.0.0.53) does not get in the way.
  { port: 53, what: 'cluster DNS', loopbackOk: true },
];

export function checkFacts(facts: HostFacts): CheckReport {
  const failures: string[] = [];
  const warnings: string[] = [];
  if (facts.os !== 'Linux') failures.push(`the host runs ${facts.os || 'an unknown OS'}, not Linux`);
  if (facts.sudo === 'no')
    failures.push(
      'the SSH user is not root and cannot use sudo without a password (add a NOPASSWD sudoers rule)',
    );
  if (facts.cgroupFs !== 'cgroup2fs' && facts.cgroupFs !== 'tmpfs')
    failures.push(`no cgroup file system at /sys/fs/cgroup (found ${facts.cgroupFs || 'nothing'})`);
  for (const name of facts.running)
    failures.push(`${name} is running: a host can only have one kubelet (stop and disable it first)`);
  if (facts.flotillaInstalled)
    failures.push('a Flotilla agent is already installed (flotilla-agent.service)');
  if (facts.permitRootLogin === 'no')
    failures.push(
      'sshd does not allow root logins (PermitRootLogin no); Flotilla manages the node as root with its own key',
    );
  if (facts.listening === undefined)
    warnings.push('could not list listening ports (no `ss`); ports 10250 and 53 not checked');
  for (const { port, what, loopbackOk } of PORTS) {
    const users = (facts.listening ?? []).filter((local) => {
      const m = /^(.*):(\d+)$/.exec(local);
      if (!m || Number(m[2]) !== port) return false;
      return !(loopbackOk && isLoopback(m[1]!));
    });
    if (users.length > 0) failures.push(`port ${port} (${what}) is in use on ${users.join(', ')}`);
  }
  if (!facts.systemd)
    warnings.push(
      'the host does not run systemd: the agent runs as a detached process and does not come back after a reboot until `flotilla cluster start`',
    );
  return { failures, warnings };
}

function isLoopback(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  return bare.startsWith('127.') || bare === '::1';
}

export async function probeHost(ssh: SshSession): Promise<HostFacts> {
  const result = await ssh.exec('sh -s', { input: PROBE_SCRIPT });
  return parseFacts(result.stdout);
}
