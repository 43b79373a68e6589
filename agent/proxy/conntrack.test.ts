import { describe, expect, it } from 'vitest';
import { staleUdpFlows } from './conntrack.ts';
import { makeService, makeSlice } from './fixtures.ts';
import { servicePortsOf } from './service-ports.ts';

const dns = makeService('kube-system', 'dns', '10.96.0.10', {
  type: 'NodePort',
  ports: [{ port: 53, protocol: 'UDP', nodePort: 30053 }],
});
const withEndpoints = (...ips: string[]) =>
  servicePortsOf(
    dns,
    [
      makeSlice(
        'kube-system',
        'dns',
        ips.map((ip) => ({ ip })),
        [{ port: 53, protocol: 'UDP' }],
      ),
    ],
    'node-1',
  );

describe('stale UDP flows', () => {
  it('forgets flows to an endpoint that went away, for the ClusterIP and the NodePort', () => {
    expect(staleUdpFlows(withEndpoints('10.244.1.2', '10.244.1.3'), withEndpoints('10.244.1.3'))).toEqual([
      [
        '--orig-dst',
        '10.96.0.10',
        '--orig-port-dst',
        '53',
        '--reply-src',
        '10.244.1.2',
        '--reply-port-src',
        '53',
      ],
      ['--orig-port-dst', '30053', '--reply-src', '10.244.1.2', '--reply-port-src', '53'],
    ]);
  });

  it('forgets flows made while the service had no endpoint, once it has one', () => {
    expect(staleUdpFlows(withEndpoints(), withEndpoints('10.244.1.2'))).toEqual([
      ['--orig-dst', '10.96.0.10', '--orig-port-dst', '53'],
      ['--orig-port-dst', '30053'],
    ]);
  });

  it('leaves TCP and unchanged endpoints alone', () => {
    expect(staleUdpFlows(withEndpoints('10.244.1.2'), withEndpoints('10.244.1.2'))).toEqual([]);
    const web = makeService('d', 'web', '10.96.0.20');
    const before = servicePortsOf(web, [makeSlice('d', 'web', [{ ip: '10.244.1.2' }])], 'node-1');
    expect(staleUdpFlows(before, [])).toEqual([]);
  });
});
