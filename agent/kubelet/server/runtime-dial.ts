// Connections to the runtime's stream server (the URL CRI Exec/Attach/PortForward return):
// an HTTP/1.1 upgrade to SPDY/3.1 with the k8s sub-protocol we want, like client-go's
// spdy.RoundTripper. The stream server is plain HTTP on the node's loopback.
import { request, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

export interface RuntimeConnection {
  socket: Socket;
  /** Bytes the server sent past the 101 response. */
  head: Buffer;
  /** The 101 response's headers (X-Stream-Protocol-Version: the protocol the server chose). */
  headers: IncomingHttpHeaders;
}

export class RuntimeStreamError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Upgrades to SPDY/3.1 at `url`, offering `protocols` in X-Stream-Protocol-Version
 * (v4.channel.k8s.io, portforward.k8s.io...). Extra headers are sent as they are.
 */
export function dialRuntime(
  url: string,
  protocols: string[],
  extraHeaders: Record<string, string | string[]> = {},
): Promise<RuntimeConnection> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        ...extraHeaders,
        Connection: 'Upgrade',
        Upgrade: 'SPDY/3.1',
        'X-Stream-Protocol-Version': protocols,
      },
    });
    req.once('upgrade', (res, socket, head) => {
      socket.setNoDelay(true);
      resolve({ socket, head, headers: res.headers });
    });
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.once('end', () =>
        reject(
          new RuntimeStreamError(res.statusCode ?? 500, body.trim() || `runtime answered ${res.statusCode}`),
        ),
      );
    });
    req.once('error', reject);
    req.end();
  });
}
