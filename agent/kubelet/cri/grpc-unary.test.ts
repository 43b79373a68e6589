// The gRPC framing and statuses against Node's own HTTP/2 server on a unix socket, for the cases
// containerd will not produce on demand (a deadline, a trailers-only error, a missing socket);
// client.test.ts runs the real calls against containerd.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrpcCallError, GrpcStatus, GrpcUnaryClient } from './grpc-unary.ts';

const frame = (message: Buffer) => {
  const out = Buffer.alloc(5 + message.length);
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
};

describe('gRPC unary calls', () => {
  let dir: string;
  let socket: string;
  let server: Http2Server;
  const seen: { path: string; timeout?: string; body: Buffer }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'grpc-unary-'));
    socket = join(dir, 'server.sock');
    server = createServer();
    server.on('stream', (stream: ServerHttp2Stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const path = String(headers[':path']);
        seen.push({
          path,
          timeout: headers['grpc-timeout'] as string | undefined,
          body: Buffer.concat(chunks),
        });
        if (path === '/echo.Echo/Slow') return; // never answers
        if (path === '/echo.Echo/Missing') {
          // Trailers-only: the status in the response headers.
          stream.respond(
            {
              ':status': 200,
              'content-type': 'application/grpc',
              'grpc-status': '5',
              'grpc-message': 'container %22c1%22 not found',
            },
            { endStream: true },
          );
          return;
        }
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(frame(Buffer.concat(chunks).subarray(5).reverse()));
      });
    });
    await new Promise<void>((done) => server.listen(socket, done));
  });

  afterAll(async () => {
    await new Promise((done) => server.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends one framed message with its deadline and returns the framed answer', async () => {
    const client = new GrpcUnaryClient(socket);
    try {
      const answer = await client.call('/echo.Echo/Reverse', Buffer.from('abc'), 5000);
      expect(answer.toString()).toBe('cba');
      expect(seen.at(-1)).toMatchObject({ path: '/echo.Echo/Reverse', timeout: '5000m' });
      expect(seen.at(-1)!.body).toEqual(frame(Buffer.from('abc')));
      // The connection is kept for the next call.
      expect((await client.call('/echo.Echo/Reverse', Buffer.from('xy'), Infinity)).toString()).toBe('yx');
    } finally {
      client.close();
    }
  });

  it('reports the status and the decoded message of a failed call', async () => {
    const client = new GrpcUnaryClient(socket);
    try {
      const error = await client.call('/echo.Echo/Missing', Buffer.alloc(0), 5000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GrpcCallError);
      expect(error).toMatchObject({ code: GrpcStatus.NOT_FOUND, details: 'container "c1" not found' });
    } finally {
      client.close();
    }
  });

  it('gives up at the deadline', async () => {
    const client = new GrpcUnaryClient(socket);
    try {
      const error = await client.call('/echo.Echo/Slow', Buffer.alloc(0), 200).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: GrpcStatus.DEADLINE_EXCEEDED });
    } finally {
      client.close();
    }
  });

  it('fails as unavailable when nothing listens on the socket', async () => {
    const client = new GrpcUnaryClient(join(dir, 'nobody.sock'));
    try {
      const error = await client.call('/echo.Echo/Reverse', Buffer.alloc(0), 5000).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: GrpcStatus.UNAVAILABLE });
    } finally {
      client.close();
    }
  });
});
