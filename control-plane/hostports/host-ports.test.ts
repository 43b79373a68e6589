// Host ports end to end on loopback: "nodes" are 127.0.0.2 (a backend answers there, like
// kube-proxy would on a real node) and 127.0.0.3 (nothing listens: a node that went away),
// the forwarder listens on 127.0.0.1. Services come from a real API server.
import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../api/client/index.ts';
import { MemoryEventRecorder } from '../../api/client/event-recorder.ts';
import { startTestApi, type TestApi } from '../controllers/testing/api.ts';
import { startHostPorts, type RunningHostPorts } from './host-ports.ts';

describe('host ports', () => {
  let api: TestApi;
  let hostPorts: RunningHostPorts;
  const recorder = new MemoryEventRecorder();
  const closers: (() => Promise<void>)[] = [];
  const services = () => api.client.resource('v1', 'Service').namespace('default');

  async function backend(host: string, port: number, body: string): Promise<void> {
    const server: Server = createServer((_req, res) => res.end(body));
    await new Promise<void>((resolve, reject) =>
      server.once('error', reject).listen(port, host, () => resolve()),
    );
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  }

  async function node(name: string, ip: string) {
    await api.client.resource('v1', 'Node').create({ metadata: { name } });
    await api.client.resource('v1', 'Node').patch(
      name,
      'merge',
      {
        status: {
          addresses: [{ type: 'InternalIP', address: ip }],
          conditions: [{ type: 'Ready', status: 'True', reason: 'Test' }],
        },
      },
      { subresource: 'status' },
    );
  }

  const get = (port: number) =>
    fetch(`http://127.0.0.1:${port}/`)
      .then((r) => r.text())
      .catch(() => undefined);

  /** A port free on 127.0.0.1..3, in [lo, hi). */
  async function freePort(lo: number, hi: number): Promise<number> {
    for (;;) {
      const port = lo + Math.floor(Math.random() * (hi - lo));
      const ok = await Promise.all(['127.0.0.1', '127.0.0.2', '127.0.0.3'].map((h) => canListen(h, port)));
      if (ok.every(Boolean)) return port;
    }
  }

  beforeAll(async () => {
    api = await startTestApi();
    await node('good', '127.0.0.2');
    await node('gone', '127.0.0.3');
    hostPorts = startHostPorts({ client: api.client, recorder, retryMs: 500 });
  }, 60_000);

  afterAll(async () => {
    await hostPorts?.close();
    for (const close of closers) await close();
    await api?.close();
  });

  it('forwards 127.0.0.1:<nodePort> to a Ready node, skipping one that refuses', async () => {
    const nodePort = await freePort(30000, 32767);
    await backend('127.0.0.2', nodePort, 'hello from the node');
    await services().create({
      metadata: { name: 'web' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort }] },
    });
    await pollUntil(async () => (await get(nodePort)) === 'hello from the node', {
      timeoutMs: 30_000,
      description: `localhost:${nodePort} answers`,
    });
    // Round robin puts every other connection on the dead node first: each must still answer.
    for (let i = 0; i < 6; i++) expect(await get(nodePort)).toBe('hello from the node');
    expect(hostPorts.open().get(`${nodePort}/TCP`)).toBe('default/web');
  });

  it('forwards the port of a LoadBalancer service to its nodePort', async () => {
    const nodePort = await freePort(30000, 32767);
    const lbPort = await freePort(20000, 29999);
    await backend('127.0.0.2', nodePort, 'hello from the balancer');
    await services().create({
      metadata: { name: 'lb' },
      spec: { type: 'LoadBalancer', selector: { app: 'lb' }, ports: [{ port: lbPort, nodePort }] },
    });
    await pollUntil(async () => (await get(lbPort)) === 'hello from the balancer', {
      timeoutMs: 30_000,
      description: `localhost:${lbPort} answers`,
    });
    expect(await get(nodePort)).toBe('hello from the balancer');
  });

  it('reports a port the host cannot give as an event on the Service and keeps serving the others', async () => {
    const nodePort = await freePort(30000, 32767);
    const squatter: TcpServer = createTcpServer();
    await new Promise<void>((resolve) => squatter.listen(nodePort, '127.0.0.1', () => resolve()));
    closers.push(() => new Promise((resolve) => squatter.close(() => resolve())));
    await services().create({
      metadata: { name: 'clash' },
      spec: { type: 'NodePort', selector: { app: 'clash' }, ports: [{ port: 80, nodePort }] },
    });
    const event = await pollUntil(
      () => recorder.events.find((e) => e.object === 'clash' && e.reason === 'HostPortUnavailable'),
      { timeoutMs: 30_000, description: 'HostPortUnavailable event' },
    );
    expect(event.type).toBe('Warning');
    expect(event.message).toContain(`127.0.0.1:${nodePort}`);
    expect(event.message).toContain('EADDRINUSE');
    // Once the port is free it is retried and taken.
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
    await pollUntil(() => hostPorts.open().get(`${nodePort}/TCP`) === 'default/clash', {
      timeoutMs: 30_000,
      description: 'port taken after the squatter left',
    });
    expect([...hostPorts.open().values()]).toContain('default/web');
  });

  it('closes the port when the service goes', async () => {
    const key = [...hostPorts.open()].find(([, owner]) => owner === 'default/web')![0];
    await services().delete('web');
    await pollUntil(() => !hostPorts.open().has(key), { timeoutMs: 30_000, description: 'port closed' });
    expect(await canListen('127.0.0.1', parseInt(key))).toBe(true);
  });

  it('forwards UDP nodePorts, answers going back to the client that asked', async () => {
    const nodePort = await freePort(30000, 32767);
    const echo = createSocket('udp4');
    echo.on('message', (msg, from) => echo.send(`echo ${msg}`, from.port, from.address));
    await new Promise<void>((resolve) => echo.bind(nodePort, '127.0.0.2', resolve));
    closers.push(() => new Promise((resolve) => echo.close(() => resolve())));
    await services().create({
      metadata: { name: 'dns' },
      spec: { type: 'NodePort', selector: { app: 'dns' }, ports: [{ port: 53, protocol: 'UDP', nodePort }] },
    });
    await pollUntil(() => hostPorts.open().get(`${nodePort}/UDP`) === 'default/dns', {
      timeoutMs: 30_000,
      description: 'UDP port open',
    });
    const client = createSocket('udp4');
    try {
      const reply = await pollUntil(
        () =>
          new Promise<string | undefined>((resolve) => {
            const timer = setTimeout(() => resolve(undefined), 1000);
            client.once('message', (m) => {
              clearTimeout(timer);
              resolve(m.toString());
            });
            client.send('ping', nodePort, '127.0.0.1');
          }),
        { timeoutMs: 30_000, description: 'UDP answer through the host port' },
      );
      expect(reply).toBe('echo ping');
    } finally {
      client.close();
    }
  });
});

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createTcpServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}
