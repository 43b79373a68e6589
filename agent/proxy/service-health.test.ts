import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../api/client/index.ts';
import { makeService, makeSlice } from './fixtures.ts';
import { healthCheckTargets, ServiceHealthServer } from './service-health.ts';
import { servicePortsOf } from './service-ports.ts';

const quiet: Logger = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Logger;

const localLB = (hcPort: number) =>
  makeService(
    'default',
    'web',
    '10.96.0.10',
    {
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: hcPort,
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 },
        { name: 'https', port: 443, protocol: 'TCP', nodePort: 30443 },
      ],
    },
    ['192.0.2.1'],
  );

const slice = makeSlice(
  'default',
  'web',
  [
    { ip: '10.244.1.5', node: 'node-1' },
    { ip: '10.244.1.6', node: 'node-1', ready: false },
    { ip: '10.244.2.7', node: 'node-2' },
  ],
  [
    { name: 'http', port: 8080 },
    { name: 'https', port: 8443 },
  ],
);

describe('health check targets', () => {
  it('counts each ready local pod once, however many ports it serves', () => {
    const ports = servicePortsOf(localLB(32000), [slice], 'node-1');
    expect(healthCheckTargets(ports)).toEqual([{ service: 'default/web', port: 32000, localEndpoints: 1 }]);
  });

  it('gives a node without local endpoints a zero count', () => {
    const ports = servicePortsOf(localLB(32000), [slice], 'node-3');
    expect(healthCheckTargets(ports)).toEqual([{ service: 'default/web', port: 32000, localEndpoints: 0 }]);
  });

  it('ignores services with externalTrafficPolicy Cluster', () => {
    const cluster = makeService('default', 'web', '10.96.0.10', { type: 'LoadBalancer' });
    expect(healthCheckTargets(servicePortsOf(cluster, [slice], 'node-1'))).toEqual([]);
  });
});

describe('service health server', () => {
  let server: ServiceHealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function freePort(): Promise<number> {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const { port } = s.address() as AddressInfo;
    await new Promise((r) => s.close(r));
    return port;
  }

  async function probe(port: number): Promise<{ status: number; body: any; weight: string | null }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        return {
          status: res.status,
          body: await res.json(),
          weight: res.headers.get('x-load-balancing-endpoint-weight'),
        };
      } catch (err) {
        if (attempt > 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  it('answers 200 with the local endpoint count, 503 without local endpoints, and stops listening when the service goes', async () => {
    const port = await freePort();
    server = new ServiceHealthServer({ address: '127.0.0.1', logger: quiet });
    server.sync([{ service: 'default/web', port, localEndpoints: 2 }]);
    expect(await probe(port)).toEqual({
      status: 200,
      body: { service: { namespace: 'default', name: 'web' }, localEndpoints: 2, serviceProxyHealthy: true },
      weight: '2',
    });
    server.sync([{ service: 'default/web', port, localEndpoints: 0 }]);
    expect(await probe(port)).toMatchObject({ status: 503, body: { localEndpoints: 0 } });
    server.sync([]);
    await expect(
      (async () => {
        for (;;) {
          await fetch(`http://127.0.0.1:${port}/`);
          await new Promise((r) => setTimeout(r, 100));
        }
      })(),
    ).rejects.toThrow();
  });

  it('answers 503 while the proxy itself is unhealthy, even with local endpoints', async () => {
    const port = await freePort();
    server = new ServiceHealthServer({ address: '127.0.0.1', logger: quiet, proxyHealthy: () => false });
    server.sync([{ service: 'default/web', port, localEndpoints: 1 }]);
    expect(await probe(port)).toMatchObject({ status: 503, body: { serviceProxyHealthy: false } });
  });
});
