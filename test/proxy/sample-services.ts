// The two services the real-kernel sync tests (iptables.test.ts, nftables-sync.test.ts) program:
// a TCP NodePort service and a UDP DNS service, with their EndpointSlices.
import { makeService, makeSlice } from '../../agent/proxy/fixtures.ts';

export const web = makeService('default', 'web', '10.96.0.10', {
  type: 'NodePort',
  ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }],
});
export const dns = makeService('kube-system', 'dns', '10.96.0.53', {
  ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
});
export const webSlice = (...ips: string[]) =>
  makeSlice(
    'default',
    'web',
    ips.map((ip) => ({ ip })),
  );
export const dnsSlice = makeSlice(
  'kube-system',
  'dns',
  [{ ip: '10.244.1.9' }],
  [{ name: 'dns', port: 53, protocol: 'UDP' }],
);
