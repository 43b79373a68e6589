// Debian packages the test suite and the netns provider use. `.ci/run` and `npm test`
// install the missing ones (as root) so a fresh machine needs nothing done by hand.
export const systemPackages = [
  { pkg: 'iproute2', probe: 'ip' },
  { pkg: 'iptables', probe: 'iptables' },
  { pkg: 'conntrack', probe: 'conntrack' },
  { pkg: 'nftables', probe: 'nft' },
  { pkg: 'containerd', probe: 'containerd' },
  { pkg: 'runc', probe: 'runc' },
  { pkg: 'containernetworking-plugins', probe: '/usr/lib/cni/bridge' },
  { pkg: 'openssh-server', probe: '/usr/sbin/sshd' },
  { pkg: 'busybox-static', probe: '/bin/busybox' },
  { pkg: 'etcd-server', probe: 'etcd' },
  { pkg: 'etcd-client', probe: 'etcdctl' },
  { pkg: 'chromium', probe: '/usr/bin/chromium' },
  { pkg: 'umoci', probe: 'umoci' },
  { pkg: 'skopeo', probe: 'skopeo' },
  // gcc + a static libc build our own pause program (resources/images/pause.c).
  { pkg: 'gcc', probe: 'gcc' },
  { pkg: 'libc6-dev', probe: '/usr/include/stdio.h' },
  // isoinfo reads back the NoCloud seed ISOs we write (cloud-init tests, fake VBoxManage).
  { pkg: 'genisoimage', probe: 'isoinfo' },
];
