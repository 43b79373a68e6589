// The ingress controller end to end against `flotilla serve` (which creates the default
// IngressClass): Services, EndpointSlices, a TLS Secret and Ingresses applied with the real
// kubectl; the agent's ingress proxy running in this process on 127.0.0.1; backends are
// node:http servers on 127.0.0.1 listed in hand-written EndpointSlices (what the EndpointSlice
// controller would write for pods).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Client } from '../../api/client/index.ts';
import { nodeTransportFromKubeconfig } from '../../api/client/transport-node.ts';
import { selfSignedCertificate, type PemPair } from '../../agent/ingress/self-signed.ts';
import { startIngress, type RunningIngress } from '../../agent/ingress/run.ts';
import { startServer, waitFor, type TestServer } from '../helpers/server.ts';

interface Backend {
  name: string;
  port: number;
  server: Server;
  /** Ends the open /stream response. */
  release: () => void;
}

async function startBackend(name: string): Promise<Backend> {
  let release = () => {};
  const server = createServer((req: IncomingMessage, res) => {
    if (req.url?.endsWith('/stream')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(`first chunk from ${name}\n`);
      release = () => res.end('last chunk\n');
      return;
    }
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-backend': name });
      res.end(JSON.stringify({ backend: name, path: req.url, headers: req.headers, body }));
    });
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.on('message', (m) => ws.send(`${name} echoes ${m.toString()}`)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    name,
    port,
    server,
    release: () => release(),
  };
}

const service = (name: string, portName?: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { ports: [{ name: portName, port: 80, protocol: 'TCP' }] },
});

const slice = (svc: string, ports: number[], portName?: string) =>
  ports.map((port, i) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${svc}-${i}`, namespace: 'default', labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    ports: [{ name: portName, port, protocol: 'TCP' }],
  }));

describe('ingress', () => {
  let server: TestServer;
  let client: Client;
  let ingress: RunningIngress;
  let dir: string;
  let shopCert: PemPair;
  const ac = new AbortController();
  const backends: Record<string, Backend> = {};

  /** fetch() cannot set Host, so plain node:http. */
  const get = (path: string, host = 'web.test') =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: ingress.httpPort, path, headers: { host } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  const getTls = (path: string, servername?: string) =>
    new Promise<{ status: number; body: string; subject: string }>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: ingress.httpsPort,
          path,
          servername,
          headers: { host: servername ?? '127.0.0.1' },
          rejectUnauthorized: false,
        },
        (res) => {
          const subject = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN ?? '';
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, subject: String(subject) }));
        },
      );
      req.on('error', reject);
      req.end();
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-ingress-test-'));
    for (const name of ['a', 'a2', 'b', 'fallback']) backends[name] = await startBackend(name);
    server = await startServer();
    client = new Client(nodeTransportFromKubeconfig({ kubeconfig: server.kubeconfig }));
    shopCert = await selfSignedCertificate('shop.test', ['shop.test']);
    writeFileSync(join(dir, 'tls.crt'), shopCert.cert);
    writeFileSync(join(dir, 'tls.key'), shopCert.key);
    const secret = await server.kubectl([
      'create',
      'secret',
      'tls',
      'shop-tls',
      `--cert=${join(dir, 'tls.crt')}`,
      `--key=${join(dir, 'tls.key')}`,
    ]);
    expect(secret.stderr).toBe('');
    const objects = [
      service('a', 'http'),
      ...slice('a', [backends.a!.port], 'http'),
      service('b'),
      ...slice('b', [backends.b!.port]),
      service('fallback'),
      ...slice('fallback', [backends.fallback!.port]),
      service('empty'),
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web', namespace: 'default' },
        spec: {
          tls: [{ hosts: ['shop.test'], secretName: 'shop-tls' }],
          defaultBackend: { service: { name: 'fallback', port: { number: 80 } } },
          rules: [
            {
              http: {
                paths: [
                  {
                    path: '/a',
                    pathType: 'Prefix',
                    backend: { service: { name: 'a', port: { name: 'http' } } },
                  },
                  {
                    path: '/b',
                    pathType: 'Prefix',
                    backend: { service: { name: 'b', port: { number: 80 } } },
                  },
                  {
                    path: '/empty',
                    pathType: 'Exact',
                    backend: { service: { name: 'empty', port: { number: 80 } } },
                  },
                ],
              },
            },
          ],
        },
      },
    ];
    const applied = await server.kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
    });
    expect(applied.code, applied.stderr).toBe(0);
    // The Ingress names no class: it is ours once serve's controller made flotilla the default.
    await waitFor(
      async () => (await server.kubectl(['get', 'ingressclass', 'flotilla'])).code === 0,
      60_000,
      'default IngressClass',
    );
    ingress = await startIngress({ client, address: '127.0.0.1', httpPort: 0, httpsPort: 0 }, ac.signal);
    await waitFor(async () => (await get('/a')).status === 200, 60_000, 'ingress routes /a');
  }, 180_000);

  afterAll(async () => {
    ac.abort();
    await ingress?.close();
    client?.close();
    await server?.stop();
    for (const b of Object.values(backends)) {
      b.release();
      b.server.closeAllConnections();
      await new Promise((resolve) => b.server.close(resolve));
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('routes /a and /b to their services, with X-Forwarded-* headers', async () => {
    const a = await get('/a/page?x=1');
    expect(a.status).toBe(200);
    const body = JSON.parse(a.text);
    expect(body).toMatchObject({ backend: 'a', path: '/a/page?x=1' });
    expect(body.headers).toMatchObject({
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'web.test',
      'x-forwarded-port': String(ingress.httpPort),
      'x-real-ip': '127.0.0.1',
    });
    expect(JSON.parse((await get('/b')).text).backend).toBe('b');
    // Request bodies go through too.
    const posted = await fetch(`http://127.0.0.1:${ingress.httpPort}/b/form`, {
      method: 'POST',
      body: 'hello=1',
    });
    expect(JSON.parse(await posted.text()).body).toBe('hello=1');
  });

  it('sends what matches no rule to the default backend', async () => {
    expect(JSON.parse((await get('/elsewhere')).text).backend).toBe('fallback');
    // Prefix is per path element: /about is not under /a.
    expect(JSON.parse((await get('/about')).text).backend).toBe('fallback');
  });

  it('answers 503 with a reason when the service has no ready endpoint', async () => {
    const res = await get('/empty');
    expect(res.status).toBe(503);
    expect(res.text).toContain('no ready endpoints for service default/empty');
  });

  it('serves TLS with the Secret for its host and a default certificate otherwise', async () => {
    const shop = await getTls('/a', 'shop.test');
    expect(shop.subject).toBe('shop.test');
    expect(shop.status).toBe(200);
    const body = JSON.parse(shop.body);
    expect(body.backend).toBe('a');
    expect(body.headers['x-forwarded-proto']).toBe('https');
    const other = await getTls('/b');
    expect(other.subject).toBe('Flotilla Ingress Default Certificate');
    expect(JSON.parse(other.body).backend).toBe('b');
  });

  it('passes WebSockets and streamed responses through as they happen', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${ingress.httpPort}/a/ws`);
    const reply = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send('ping'));
      ws.on('message', (m) => resolve(m.toString()));
      ws.on('error', reject);
    });
    ws.close();
    expect(reply).toBe('a echoes ping');

    const res = await fetch(`http://127.0.0.1:${ingress.httpPort}/b/stream`);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    // The backend has not finished: the first chunk came through on its own.
    expect(first).toBe('first chunk from b\n');
    backends.b!.release();
    let rest = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toBe('last chunk\n');
  });

  it('spreads requests over the endpoints round robin and follows endpoint changes', async () => {
    const added = await server.kubectl(['apply', '-f', '-'], {
      input: JSON.stringify(slice('a', [backends.a!.port, backends.a2!.port], 'http')[1]),
    });
    expect(added.code, added.stderr).toBe(0);
    const seen = await waitFor(
      async () => {
        const names = new Set<string>();
        for (let i = 0; i < 4; i++) names.add(JSON.parse((await get('/a')).text).backend);
        return names.size === 2 ? [...names] : undefined;
      },
      30_000,
      'both endpoints of a answer',
    );
    expect(seen?.sort()).toEqual(['a', 'a2']);
    // The Ingress changes: /b goes away and its path now falls to the default backend.
    const patched = await server.kubectl([
      'patch',
      'ingress',
      'web',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/spec/rules/0/http/paths/1"}]',
    ]);
    expect(patched.code, patched.stderr).toBe(0);
    await waitFor(
      async () => JSON.parse((await get('/b')).text).backend === 'fallback' || undefined,
      30_000,
      '/b falls to the default backend',
    );
  });
});
