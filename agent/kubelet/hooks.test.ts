import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHook, type HookTarget } from './hooks.ts';

// httpGet and sleep hooks need no runtime: the target's CRI client is never called for them.
describe('lifecycle hooks', () => {
  let server: Server;
  let port: number;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.url} ${req.headers['x-hook'] ?? ''}`);
      res.statusCode = req.url === '/broken' ? 500 : 200;
      res.end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const target = (): HookTarget => ({
    cri: undefined as never,
    container: { name: 'main', ports: [{ name: 'web', containerPort: port }] },
    containerId: 'c1',
    podIP: '127.0.0.1',
  });

  it('calls an HTTP hook on the pod IP, by port name, with its headers', async () => {
    const error = await runHook(
      { httpGet: { path: '/drain', port: 'web', httpHeaders: [{ name: 'X-Hook', value: 'pre-stop' }] } },
      target(),
      5,
    );
    expect(error).toBeUndefined();
    expect(seen).toContain('/drain pre-stop');
  });

  it('reports an HTTP error status and an unreachable port with the URL', async () => {
    expect(await runHook({ httpGet: { path: '/broken', port } }, target(), 5)).toBe(
      `Get "http://127.0.0.1:${port}/broken": HTTP status 500`,
    );
    const closed = await runHook({ httpGet: { path: '/x', port: 1 } }, target(), 5);
    expect(closed).toMatch(/^Get "http:\/\/127\.0\.0\.1:1\/x": connect ECONNREFUSED/);
  });

  // A sleep longer than the grace left is cut to it (30 s here would outlast the test's timeout).
  it('sleeps for a sleep hook, never longer than the time it is given', async () => {
    expect(await runHook({ sleep: { seconds: 30 } }, target(), 1)).toBeUndefined();
  }, 20_000);
});
