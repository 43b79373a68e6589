import { describe, expect, it } from 'vitest';
import { makeService, makeSlice } from './fixtures.ts';
import { categorizeEndpoints, servicePortsOf } from './service-ports.ts';

const addresses = (eps: { address: string }[]) => eps.map((e) => e.address);

describe('service ports', () => {
  it('skip headless and ExternalName services', () => {
    expect(servicePortsOf(makeService('d', 'h', 'None'), [], 'node-1')).toEqual([]);
    expect(servicePortsOf(makeService('d', 'x', '', { type: 'ExternalName' }), [], 'node-1')).toEqual([]);
  });

  it('take each port its endpoints from the slice port of the same name and protocol (named target ports resolved there)', () => {
    const svc = makeService('d', 'web', '10.96.0.5', {
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 'web' },
        { name: 'dns', port: 53, protocol: 'UDP' },
      ],
    });
    const slices = [
      makeSlice(
        'd',
        'web',
        [{ ip: '10.244.1.9' }, { ip: '10.244.1.2' }],
        [
          { name: 'http', port: 8080 },
          { name: 'dns', port: 5353, protocol: 'UDP' },
        ],
      ),
      makeSlice('d', 'web', [{ ip: '10.244.2.2', node: 'node-2' }], [{ name: 'http', port: 8080 }], 'web-2'),
    ];
    const [http, dns] = servicePortsOf(svc, slices, 'node-1');
    expect(http!.name).toBe('d/web:http');
    expect(addresses(http!.endpoints)).toEqual(['10.244.1.2:8080', '10.244.1.9:8080', '10.244.2.2:8080']);
    expect(http!.endpoints.map((e) => e.local)).toEqual([true, true, false]);
    expect(dns!.protocol).toBe('udp');
    expect(addresses(dns!.endpoints)).toEqual(['10.244.1.2:5353', '10.244.1.9:5353']);
  });

  it('use ready endpoints, and serving terminating ones only when none is ready (like upstream)', () => {
    const svc = makeService('d', 'web', '10.96.0.5');
    const terminating = { ready: false, serving: true, terminating: true };
    const both = servicePortsOf(
      svc,
      [makeSlice('d', 'web', [{ ip: '10.244.1.2' }, { ip: '10.244.1.3', ...terminating }])],
      'node-1',
    )[0]!;
    expect(addresses(categorizeEndpoints(both).cluster)).toEqual(['10.244.1.2:8080']);
    const onlyTerminating = servicePortsOf(
      svc,
      [
        makeSlice('d', 'web', [
          { ip: '10.244.1.3', ...terminating },
          { ip: '10.244.1.4', ready: false },
        ]),
      ],
      'node-1',
    )[0]!;
    expect(addresses(categorizeEndpoints(onlyTerminating).cluster)).toEqual(['10.244.1.3:8080']);
    expect(categorizeEndpoints(onlyTerminating).any).toBe(true);
  });

  it('with internalTrafficPolicy Local reach only this node’s endpoints', () => {
    const svc = makeService('d', 'web', '10.96.0.5', { internalTrafficPolicy: 'Local' });
    const slice = makeSlice('d', 'web', [{ ip: '10.244.1.2' }, { ip: '10.244.2.2', node: 'node-2' }]);
    const onNode2 = categorizeEndpoints(servicePortsOf(svc, [slice], 'node-2')[0]!);
    expect(addresses(onNode2.reachable)).toEqual(['10.244.2.2:8080']);
    const onNode3 = categorizeEndpoints(servicePortsOf(svc, [slice], 'node-3')[0]!);
    expect(onNode3.reachable).toEqual([]);
    expect(onNode3.any).toBe(true);
  });
});
