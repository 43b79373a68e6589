// The ingress proxy's client side over real loopback sockets: the lean HTTP/1.1 path (keep-alive,
// pipelining, bodies, streaming, strict parsing) and what it hands to node:http on the same port
// (chunked uploads, Expect, HTTP/1.0, WebSocket upgrades). Backends are real node:http servers.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../api/client/index.ts';
import {
  serviceIndexers,
  sliceIndexers,
  type ServiceObject,
  type SliceObject,
} from '../dns/cluster-records.ts';
import { CertificateTable } from './certificates.ts';
import { EndpointPicker } from './endpoint-picker.ts';
import { IngressProxy } from './proxy.ts';
import { RouteTable } from './routes.ts';
import { selfSignedCertificate } from './self-signed.ts';

let backend: Server;
let proxy: IngressProxy;
let port: number;
let tlsPort: number;
/** Requests the backend saw, as "METHOD url". */
const seen: string[] = [];
/** Resolved by the test to let /stream finish. */
let cert: Awaited<ReturnType<typeof selfSignedCertificate>>;
let releaseStream: () => void = () => {};
/** Called when the backend's /stream response closes, with whether it had ended. */
let streamClosed: (ended: boolean) => void = () => {};

/** Echoes what it got as JSON; a few paths answer in special ways. */
function answer(req: IncomingMessage, res: ServerResponse): void {
  seen.push(`${req.method} ${req.url}`);
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const path = req.url ?? '';
    if (path === '/app/stream') {
      res.write('first\n');
      releaseStream = () => res.end('last\n');
      res.on('close', () => streamClosed(res.writableEnded));
      return;
    }
    if (path === '/app/big') {
      const block = Buffer.alloc(64 * 1024, 'b');
      for (let i = 0; i < 64; i++) res.write(block);
      res.end();
      return;
    }
    if (path === '/app/empty') {
      res.writeHead(204).end();
      return;
    }
    const body = JSON.stringify({
      method: req.method,
      url: path,
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    });
    res.writeHead(200, { 'content-type': 'application/json', 'x-from': 'backend' }).end(body);
  });
}

beforeAll(async () => {
  backend = createServer(answer);
  backend.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    seen.push(`UPGRADE ${req.url}`);
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
    if (head.length > 0) socket.write(head);
    socket.pipe(socket);
  });
  await new Promise<void>((done) => backend.listen(0, '127.0.0.1', done));
  const backendPort = (backend.address() as { port: number }).port;
  const services = new Store<ServiceObject>(serviceIndexers);
  const slices = new Store<SliceObject>(sliceIndexers);
  services.upsert({
    metadata: { name: 'web', namespace: 'default' },
    spec: { clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 80 }] },
  });
  slices.upsert({
    metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    ports: [{ name: 'http', port: backendPort }],
  });
  // /gone: a Service whose only endpoint refuses connections (a port nothing listens on).
  services.upsert({
    metadata: { name: 'gone', namespace: 'default' },
    spec: { clusterIP: '10.96.0.51', ports: [{ name: 'http', port: 80 }] },
  });
  slices.upsert({
    metadata: { name: 'gone-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'gone' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    ports: [{ name: 'http', port: 1 }],
  });
  const path = (p: string, service: string) => ({
    path: p,
    pathType: 'Prefix' as const,
    backend: { service: { name: service, port: { name: 'http' } } },
  });
  const routes = new RouteTable([
    {
      metadata: { name: 'web', namespace: 'default' },
      spec: { rules: [{ host: 'shop.test', http: { paths: [path('/app', 'web'), path('/gone', 'gone')] } }] },
    },
  ]);
  cert = await selfSignedCertificate('shop.test');
  const state = { routes, certificates: new CertificateTable([], () => undefined, cert) };
  proxy = new IngressProxy({
    state: () => state,
    picker: new EndpointPicker(services, slices),
    defaultCertificate: cert,
  });
  port = await proxy.listenHttp(0, '127.0.0.1');
  tlsPort = await proxy.listenHttps(0, '127.0.0.1');
}, 60_000);

afterAll(async () => {
  await proxy.close();
  backend.closeAllConnections();
  await new Promise((done) => backend.close(done));
});

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Splits what came back on a connection into responses (Content-Length, chunked or close-delimited bodies). */
function splitResponses(text: string): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = text;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) throw new Error(`incomplete response: ${JSON.stringify(rest.slice(0, 200))}`);
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    rest = rest.slice(end + 4);
    let body = '';
    if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const lineEnd = rest.indexOf('\r\n');
        const size = parseInt(rest.slice(0, lineEnd), 16);
        body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
        rest = rest.slice(lineEnd + 2 + size + 2);
        if (size === 0) break;
      }
    } else if (
      headers['content-length'] === undefined &&
      ![204, 304].includes(Number(statusLine!.split(' ')[1]))
    ) {
      // Close-delimited (an HTTP/1.0 client cannot take chunks).
      body = rest;
      rest = '';
    } else {
      const length = Number(headers['content-length'] ?? 0);
      body = rest.slice(0, length);
      rest = rest.slice(length);
    }
    out.push({ status: Number(statusLine!.split(' ')[1]), headers, body });
  }
  return out;
}

/** Writes raw bytes (in the pieces given), then reads until the proxy closes the connection. */
function raw(pieces: string[], opts: { tls?: boolean; gapMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = opts.tls
      ? connectTls({ port: tlsPort, host: '127.0.0.1', servername: 'shop.test', rejectUnauthorized: false })
      : connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (text += c));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.setTimeout(20_000, () => socket.destroy(new Error(`no close; got ${JSON.stringify(text)}`)));
    void (async () => {
      for (const piece of pieces) {
        socket.write(piece, 'latin1');
        await new Promise((r) => setTimeout(r, opts.gapMs ?? 20));
      }
    })();
  });
}

/** One request through the proxy with node:http's client. */
function get(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: { host: 'shop.test', ...opts.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('ingress proxy client side', () => {
  it('answers pipelined requests on one connection in order, bodies and X-Forwarded-* included', async () => {
    const text = await raw([
      'GET /app/one HTTP/1.1\r\nHost: shop.test\r\n\r\n' +
        'POST /app/two HTTP/1.1\r\nHost: shop.test\r\nContent-Length: 5\r\n\r\nhello' +
        'GET /nowhere HTTP/1.1\r\nHost: shop.test\r\n\r\n' +
        'GET /app/three HTTP/1.1\r\nHost: shop.test\r\nX-Forwarded-For: 203.0.113.9\r\nConnection: close\r\n\r\n',
    ]);
    const responses = splitResponses(text);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 404, 200]);
    const [one, two, missing, three] = responses.map((r) => (r.status === 200 ? JSON.parse(r.body) : r.body));
    expect(one).toMatchObject({ method: 'GET', url: '/app/one' });
    expect(one.headers).toMatchObject({
      host: 'shop.test',
      'x-forwarded-for': '127.0.0.1',
      'x-real-ip': '127.0.0.1',
      'x-forwarded-host': 'shop.test',
      'x-forwarded-port': String(port),
      'x-forwarded-proto': 'http',
    });
    expect(two).toMatchObject({ method: 'POST', url: '/app/two', body: 'hello' });
    expect(missing).toContain('no Ingress rule for host "shop.test" path "/nowhere"');
    expect(three.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(responses[3]!.headers.connection).toBe('close');
    expect(responses[0]!.headers['x-from']).toBe('backend');
  });

  it('reads heads and bodies that arrive in pieces', async () => {
    const text = await raw([
      'POST /app/slow HTTP/1.1\r\nHo',
      'st: shop.test\r\nConnection: close\r\nContent-Len',
      'gth: 11\r\n\r\nhello',
      ' world',
    ]);
    const [response] = splitResponses(text);
    expect(JSON.parse(response!.body)).toMatchObject({ url: '/app/slow', body: 'hello world' });
  });

  it('reads a large head and pipelined requests that arrive in many small pieces', async () => {
    const text =
      `GET /app/big-head HTTP/1.1\r\nHost: shop.test\r\nX-Big: ${'h'.repeat(12_000)}\r\n\r\n` +
      'POST /app/second HTTP/1.1\r\nHost: shop.test\r\nContent-Length: 3\r\n\r\nabc' +
      '\r\nGET /app/third HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n';
    const pieces: string[] = [];
    for (let at = 0; at < text.length; at += 997) pieces.push(text.slice(at, at + 997));
    const responses = splitResponses(await raw(pieces, { gapMs: 1 })).map((r) => JSON.parse(r.body));
    expect(responses.map((r) => r.url)).toEqual(['/app/big-head', '/app/second', '/app/third']);
    expect(responses[0].headers['x-big']).toHaveLength(12_000);
    expect(responses[1].body).toBe('abc');
  });

  it('keeps a node:http client connection alive across requests', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await get(`/app/k${i}`);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).url).toBe(`/app/k${i}`);
    }
    const head = await get('/app/x', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    const empty = await get('/app/empty');
    expect(empty.status).toBe(204);
  });

  it('streams a response as it comes and passes a large one whole', async () => {
    const first = await new Promise<{ chunk: string; rest: Promise<string> }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/app/stream', headers: { host: 'shop.test' } },
        (res) => {
          res.setEncoding('utf8');
          let rest = '';
          res.once('data', (chunk: string) => {
            res.on('data', (c: string) => (rest += c));
            resolve({ chunk, rest: new Promise((done) => res.on('end', () => done(rest))) });
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    // The backend has not ended: the first chunk came through on its own.
    expect(first.chunk).toBe('first\n');
    releaseStream();
    expect(await first.rest).toBe('last\n');

    const big = await get('/app/big');
    expect(big.body.length).toBe(4 * 1024 * 1024);
    expect(big.body.replaceAll('b', '')).toBe('');
  });

  it('stops the backend when the client leaves in the middle of a response', async () => {
    const closed = new Promise<boolean>((resolve) => (streamClosed = resolve));
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('data', () => {
        socket.destroy();
        resolve();
      });
      socket.on('error', reject);
      socket.write('GET /app/stream HTTP/1.1\r\nHost: shop.test\r\n\r\n');
    });
    // The backend's response closed before it ended: the proxy dropped its connection.
    expect(await closed).toBe(false);
  });

  it('answers 502 with the reason when the endpoint refuses, and goes on serving the connection', async () => {
    const text = await raw([
      'GET /gone HTTP/1.1\r\nHost: shop.test\r\n\r\nGET /app/after HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n',
    ]);
    const [refused, after] = splitResponses(text);
    expect(refused!.status).toBe(502);
    expect(refused!.body).toContain('ECONNREFUSED');
    expect(after!.status).toBe(200);
  });

  it('answers a request whose body it will not read, then closes the connection', async () => {
    const text = await raw([
      `POST /nowhere HTTP/1.1\r\nHost: shop.test\r\nContent-Length: 100000\r\n\r\n${'a'.repeat(20_000)}`,
      'a'.repeat(1000),
    ]);
    const responses = splitResponses(text);
    expect(responses.map((r) => r.status)).toEqual([404]);
  });

  it.each([
    ['both Content-Length and Transfer-Encoding', 'Content-Length: 4\r\nTransfer-Encoding: chunked\r\n'],
    ['two Content-Lengths', 'Content-Length: 4\r\nContent-Length: 40\r\n'],
    ['whitespace before the colon', 'Content-Length : 4\r\n'],
    ['a folded header line', 'X-A: 1\r\n Content-Length: 4\r\n'],
  ])('refuses %s with 400 and passes nothing on', async (_what, fields) => {
    const before = seen.length;
    const smuggled = 'GET /app/smuggled HTTP/1.1\r\nHost: shop.test\r\n\r\n';
    const text = await raw([
      `POST /app/front HTTP/1.1\r\nHost: shop.test\r\n${fields}\r\n0\r\n\r\n${smuggled}`,
    ]);
    const responses = splitResponses(text);
    expect(responses.map((r) => r.status)).toEqual([400]);
    expect(responses[0]!.headers.connection).toBe('close');
    expect(seen.slice(before)).toEqual([]);
  });

  it('cuts off a client that takes too long to send a request head', async () => {
    const slow = new IngressProxy({
      state: () => ({
        routes: new RouteTable([]),
        certificates: new CertificateTable([], () => undefined, cert),
      }),
      picker: new EndpointPicker(
        new Store<ServiceObject>(serviceIndexers),
        new Store<SliceObject>(sliceIndexers),
      ),
      defaultCertificate: cert,
      requestHeadTimeoutMs: 200,
    });
    const slowPort = await slow.listenHttp(0, '127.0.0.1');
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const socket = connect(slowPort, '127.0.0.1');
        let received = '';
        socket.on('data', (c) => (received += c));
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
        // One byte every 100 ms: each keeps the connection busy, the head never completes.
        const head = 'GET /app/x HTTP/1.1\r\nHost: shop.test\r\nX-Slow: ' + 'a'.repeat(100);
        let at = 0;
        const timer = setInterval(() => {
          if (at < head.length && !socket.destroyed) socket.write(head[at++]!);
          else clearInterval(timer);
        }, 100);
        socket.on('close', () => clearInterval(timer));
      });
      expect(splitResponses(text)[0]!.status).toBe(408);
    } finally {
      await slow.close();
    }
  });

  it('refuses a head larger than 64 KiB', async () => {
    const text = await raw([
      `GET /app/x HTTP/1.1\r\nHost: shop.test\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`,
    ]);
    expect(splitResponses(text)[0]!.status).toBe(431);
  });

  it('hands chunked uploads, Expect: 100-continue and HTTP/1.0 to node:http on the same port', async () => {
    const chunked = await raw([
      'POST /app/chunked HTTP/1.1\r\nHost: shop.test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n',
      '6\r\n world\r\n0\r\n\r\nGET /app/next HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n',
    ]);
    const [upload, next] = splitResponses(chunked);
    expect(JSON.parse(upload!.body)).toMatchObject({ url: '/app/chunked', body: 'hello world' });
    expect(JSON.parse(next!.body).url).toBe('/app/next');

    const expected = await get('/app/expect', {
      method: 'PUT',
      headers: { expect: '100-continue', 'content-length': '4' },
      body: 'data',
    });
    expect(JSON.parse(expected.body)).toMatchObject({ method: 'PUT', body: 'data' });

    const old = await raw(['GET /app/old HTTP/1.0\r\nHost: shop.test\r\n\r\n']);
    expect(JSON.parse(splitResponses(old)[0]!.body).url).toBe('/app/old');
  });

  it('hands a WebSocket-style upgrade to node:http, after a request served on the lean path', async () => {
    const echoed = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.setEncoding('latin1');
      socket.on('data', (c: string) => {
        text += c;
        if (text.endsWith('ping')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
      socket.write('GET /app/first HTTP/1.1\r\nHost: shop.test\r\n\r\n');
      socket.write(
        'GET /app/ws HTTP/1.1\r\nHost: shop.test\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nping',
      );
    });
    const upgradedAt = echoed.indexOf('HTTP/1.1 101');
    expect(JSON.parse(splitResponses(echoed.slice(0, upgradedAt))[0]!.body).url).toBe('/app/first');
    expect(echoed.slice(upgradedAt)).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n[^]*\r\n\r\nping$/);
  });

  it('serves HTTPS the same way, handing upgrades to node:https', async () => {
    const text = await raw(
      [
        'GET /app/tls HTTP/1.1\r\nHost: shop.test\r\n\r\n' +
          'POST /app/tls2 HTTP/1.1\r\nHost: shop.test\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok',
      ],
      { tls: true },
    );
    const [first, second] = splitResponses(text).map((r) => JSON.parse(r.body));
    expect(first).toMatchObject({ url: '/app/tls' });
    expect(first.headers['x-forwarded-proto']).toBe('https');
    expect(first.headers['x-forwarded-port']).toBe(String(tlsPort));
    expect(second).toMatchObject({ url: '/app/tls2', body: 'ok' });

    const echoed = await new Promise<string>((resolve, reject) => {
      const socket = connectTls({
        port: tlsPort,
        host: '127.0.0.1',
        servername: 'shop.test',
        rejectUnauthorized: false,
      });
      let received = '';
      socket.setEncoding('latin1');
      socket.on('data', (c: string) => {
        received += c;
        if (received.endsWith('pong')) {
          socket.destroy();
          resolve(received);
        }
      });
      socket.on('error', reject);
      socket.write(
        'GET /app/ws HTTP/1.1\r\nHost: shop.test\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\npong',
      );
    });
    expect(echoed).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n[^]*\r\n\r\npong$/);
  });
});
