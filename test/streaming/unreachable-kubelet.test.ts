// Pod streams for a node whose kubelet API cannot be reached (a stopped agent, a node without
// one): kubectl gets upstream's "error dialing backend" instead of a hang. Needs no root.
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('pod streams when the kubelet is unreachable', () => {
  let server: TestServer;
  let closedPort: number;

  beforeAll(async () => {
    server = await startServer();
    // A port that was free a moment ago: nothing listens there now.
    const probe: Server = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'gone' },
      status: {
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
        daemonEndpoints: { kubeletEndpoint: { Port: closedPort } },
      },
    };
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { nodeName: 'gone', containers: [{ name: 'main', image: 'busybox' }] },
    };
    for (const obj of [node, pod]) {
      const res = await server.kubectl(['create', '-f', '-'], { input: JSON.stringify(obj) });
      expect(res.stderr).toBe('');
    }
    // Create may drop status; set it through the status subresource as the agent does.
    const patch = JSON.stringify({ status: node.status });
    const res = await server.kubectl([
      'patch',
      'node',
      'gone',
      '--subresource=status',
      '--type=merge',
      '-p',
      patch,
    ]);
    expect(res.stderr).toBe('');
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('kubectl logs and exec fail with a dial error', async () => {
    const logs = await server.kubectl(['logs', 'p']);
    expect(logs.code).not.toBe(0);
    expect(logs.stderr).toContain('error dialing backend');
    const exec = await server.kubectl(['exec', 'p', '--', 'true']);
    expect(exec.code).not.toBe(0);
    expect(exec.stderr).toContain('error dialing backend');
  });

  it('exec on a pod that is not scheduled says so', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'unscheduled', namespace: 'default' },
      spec: { schedulerName: 'nobody', containers: [{ name: 'main', image: 'busybox' }] },
    };
    await server.kubectl(['create', '-f', '-'], { input: JSON.stringify(pod) });
    const exec = await server.kubectl(['exec', 'unscheduled', '--', 'true']);
    expect(exec.code).not.toBe(0);
    expect(exec.stderr).toContain('pod unscheduled does not have a host assigned');
    expect(await server.kubectl(['logs', 'unscheduled'])).toMatchObject({ code: 0, stdout: '' });
  });
});
