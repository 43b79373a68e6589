// Test helper: a real HTTPS server on loopback that asks for (but does not require) a client
// certificate, as the API server does, and a client that records how the handshake went.
import { request, createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface TestServer {
  port: number;
  close(): Promise<void>;
}

export async function startTlsServer(
  tls: { cert: string; key: string; ca?: string },
  handler: (socket: TLSSocket, req: IncomingMessage, res: ServerResponse) => void,
  host = '127.0.0.1',
): Promise<TestServer> {
  const server: Server = createServer({ ...tls, requestCert: true, rejectUnauthorized: false }, (req, res) =>
    handler(req.socket as TLSSocket, req, res),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface GetOptions {
  host?: string;
  servername?: string;
  ca?: string;
  cert?: string;
  key?: string;
  headers?: Record<string, string>;
}

/** GET over HTTPS; resolves with status and body, rejects on a TLS failure. */
export function httpsGet(
  port: number,
  path: string,
  opts: GetOptions = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: opts.host ?? '127.0.0.1',
        port,
        path,
        servername: opts.servername,
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        headers: opts.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
