// What the backend and the client get to see of each other's headers, with requests parsed by a
// real node:http server from raw bytes (so header spelling, repeats and Connection are real).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downstreamResponseHeaders, upstreamRequestHead } from './forwarded-headers.ts';

let server: Server;
let port: number;
let build: (req: IncomingMessage) => string;

beforeAll(async () => {
  server = createServer((req, res) => res.end(build(req)));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** Sends the raw request, answers what `make` built from it. */
function headFor(raw: string, make: (req: IncomingMessage) => string): Promise<string> {
  build = make;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (c) => (text += c));
    socket.on('end', () => resolve(text.slice(text.indexOf('\r\n\r\n') + 4)));
    socket.on('error', reject);
    socket.end(raw);
  });
}

describe('ingress header rewriting', () => {
  it('drops hop-by-hop headers and those Connection names, keeps spelling and repeats, adds X-Forwarded-*', async () => {
    const head = await headFor(
      'GET /a?x=1 HTTP/1.1\r\nHost: shop.test\r\nConnection: close, X-Secret\r\nX-Secret: s\r\nKeep-Alive: 5\r\nTE: trailers\r\nAccept: a\r\nAccept: b\r\nX-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: gopher\r\n\r\n',
      (req) => upstreamRequestHead(req, 'https'),
    );
    expect(head.split('\r\n')).toEqual([
      'GET /a?x=1 HTTP/1.1',
      'Host: shop.test',
      'Accept: a',
      'Accept: b',
      'X-Forwarded-For: 203.0.113.7, 127.0.0.1',
      'X-Real-IP: 127.0.0.1',
      'X-Forwarded-Host: shop.test',
      `X-Forwarded-Port: ${port}`,
      'X-Forwarded-Proto: https',
      '',
      '',
    ]);
  });

  it('gives a request without Host the one it is told, and keeps a chunked body chunked', async () => {
    const head = await headFor(
      'POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      (req) => upstreamRequestHead(req, 'http'),
    );
    expect(head).toContain('Transfer-Encoding: chunked\r\n');
    const old = await headFor('GET / HTTP/1.0\r\n\r\n', (req) =>
      upstreamRequestHead(req, 'http', '10.244.1.5:8080'),
    );
    expect(old).toContain('\r\nHost: 10.244.1.5:8080\r\n');
  });

  it("passes the backend's headers on without hop-by-hop ones, and says when the body streams", () => {
    expect(
      downstreamResponseHeaders([
        'Content-Length',
        '5',
        'Connection',
        'keep-alive, X-Internal',
        'X-Internal',
        'i',
        'Keep-Alive',
        'timeout=5',
        'Set-Cookie',
        'a=1',
        'Set-Cookie',
        'b=2',
      ]),
    ).toEqual({
      headers: ['Content-Length', '5', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'],
      streamed: false,
    });
    expect(
      downstreamResponseHeaders(['Transfer-Encoding', 'chunked', 'Content-Type', 'text/event-stream']),
    ).toEqual({
      headers: ['Content-Type', 'text/event-stream'],
      streamed: true,
    });
  });
});
