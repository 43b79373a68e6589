// The ingress's backend connection pool against real TCP servers on loopback: raw net servers
// where the test must control the bytes (closing a kept-alive connection), node:http otherwise.
import { createServer as createHttpServer, request, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Target } from './endpoint-picker.ts';
import type { ResponseHead } from './response-parser.ts';
import { UpstreamPool, type UpstreamRequest } from './upstream.ts';

const servers: (Server | NetServer)[] = [];
const pools: UpstreamPool[] = [];

afterEach(async () => {
  for (const p of pools.splice(0)) p.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

async function listen<T extends Server | NetServer>(server: T): Promise<Target> {
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { host: '127.0.0.1', port: (server.address() as { port: number }).port };
}

function pool(): UpstreamPool {
  const p = new UpstreamPool();
  pools.push(p);
  return p;
}

interface Answer {
  head: ResponseHead;
  body: string;
}

function exchange(p: UpstreamPool, target: Target, req: UpstreamRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let head: ResponseHead | undefined;
    let body = '';
    p.exchange(target, req, {
      onHead: (h) => (head = h),
      onData: (c) => {
        body += c.toString();
        return true;
      },
      onEnd: () => resolve({ head: head!, body }),
      onError: reject,
    });
  });
}

const get = (path: string): UpstreamRequest => ({
  head: `GET ${path} HTTP/1.1\r\nHost: backend\r\n\r\n`,
  idempotent: true,
});

describe('ingress upstream pool', () => {
  it('sends requests one after another over one kept-alive connection', async () => {
    const peers = new Set<string>();
    const target = await listen(
      createHttpServer((req, res) => {
        peers.add(`${req.socket.remotePort}`);
        res.end(`you asked for ${req.url}`);
      }),
    );
    const p = pool();
    for (const path of ['/a', '/b', '/c']) {
      const answer = await exchange(p, target, get(path));
      expect(answer.head.status).toBe(200);
      expect(answer.body).toBe(`you asked for ${path}`);
    }
    expect(peers.size).toBe(1);
  });

  it('sends a GET again on a new connection when the backend closes a kept-alive one unanswered', async () => {
    let connections = 0;
    const target = await listen(
      createNetServer((socket: Socket) => {
        connections++;
        let requests = 0;
        socket.on('data', () => {
          // The first request on each connection is answered, a second one gets the door shut.
          if (++requests === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
          else socket.destroy();
        });
      }),
    );
    const p = pool();
    expect((await exchange(p, target, get('/1'))).body).toBe('ok');
    expect((await exchange(p, target, get('/2'))).body).toBe('ok');
    expect(connections).toBe(2);
  });

  it('streams a request body, with its length or re-chunked', async () => {
    const target = await listen(
      createHttpServer((req: IncomingMessage, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => res.end(`${req.headers['transfer-encoding'] ?? 'length'}: ${body}`));
      }),
    );
    // A real client body: a node:http request into a small server that hands it to the pool.
    const p = pool();
    const relay = await listen(
      createHttpServer((req, res) => {
        const chunked = req.headers['transfer-encoding'] !== undefined;
        const framing = chunked
          ? 'Transfer-Encoding: chunked'
          : `Content-Length: ${req.headers['content-length']}`;
        exchange(p, target, {
          head: `POST / HTTP/1.1\r\nHost: backend\r\n${framing}\r\n\r\n`,
          body: req,
          chunked,
        }).then(
          (a) => res.end(a.body),
          (err: Error) => res.end(`failed: ${err.message}`),
        );
      }),
    );
    const post = (chunked: boolean) =>
      new Promise<string>((resolve, reject) => {
        const parts = ['first part, ', 'second part'];
        const req = request(
          {
            ...relay,
            method: 'POST',
            headers: chunked ? {} : { 'content-length': Buffer.byteLength(parts.join('')) },
          },
          (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve(text));
          },
        );
        req.on('error', reject);
        req.write(parts[0]);
        setImmediate(() => req.end(parts[1]));
      });
    expect(await post(false)).toBe('length: first part, second part');
    expect(await post(true)).toBe('chunked: first part, second part');
  });

  it('pauses the backend while the client is not reading, and loses nothing', async () => {
    const size = 8 * 1024 * 1024;
    const target = await listen(createHttpServer((_req, res) => res.end(Buffer.alloc(size, 'z'))));
    const p = pool();
    const received = await new Promise<number>((resolve, reject) => {
      let bytes = 0;
      let paused = 0;
      const exchange = p.exchange(target, get('/big'), {
        onHead: () => {},
        onData: (chunk) => {
          bytes += chunk.length;
          // Every other chunk says "not now"; the test resumes it on the next turn of the loop.
          if (++paused % 2 === 0) return true;
          setImmediate(() => exchange.resume());
          return false;
        },
        onEnd: () => resolve(bytes),
        onError: reject,
      });
    });
    expect(received).toBe(size);
  });

  it('says ECONNREFUSED when nothing listens, so the proxy can try the next endpoint', async () => {
    const closed = await listen(createNetServer());
    await new Promise((done) => servers.pop()!.close(done));
    await expect(exchange(pool(), closed, get('/'))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('fails a response the backend cuts short, and one that breaks the protocol', async () => {
    const target = await listen(
      createNetServer((socket: Socket) =>
        socket.once('data', (d) => {
          if (d.toString().startsWith('GET /short'))
            socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
          else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab');
        }),
      ),
    );
    await expect(exchange(pool(), target, get('/short'))).rejects.toThrow(/closed before the response ended/);
    await expect(exchange(pool(), target, get('/bad'))).rejects.toMatchObject({ code: 'EPROTO' });
  });
});
