// What an upgrade request to the kubelet asks for, and the plain byte pipe for SPDY clients:
// kubectl falls back to SPDY/3.1 when WebSockets fail, and SPDY is what the runtime's stream
// server speaks, so those requests go through untouched (upstream's kubelet proxies them too).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { dialRuntime } from './runtime-dial.ts';

export function isWebSocket(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/** Values of a header that may repeat (Node joins repeats with ", "). */
export function headerList(req: IncomingMessage, name: string): string[] {
  const raw = req.headers[name.toLowerCase()];
  const joined = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return joined
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Connects two sockets both ways; when either ends or fails, both go. */
export function splice(a: Duplex, b: Duplex): void {
  const close = () => {
    a.destroy();
    b.destroy();
  };
  a.pipe(b);
  b.pipe(a);
  a.once('close', close);
  b.once('close', close);
  a.on('error', close);
  b.on('error', close);
}

/** Hands a SPDY upgrade to the runtime's stream server at `url` and pipes the connection. */
export async function passThroughSpdy(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  url: string,
): Promise<void> {
  const conn = await dialRuntime(url, headerList(req, 'X-Stream-Protocol-Version'));
  const chosen = conn.headers['x-stream-protocol-version'];
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
      (chosen ? `X-Stream-Protocol-Version: ${String(chosen)}\r\n` : '') +
      '\r\n',
  );
  if (conn.head.length) socket.write(conn.head);
  if (head.length) conn.socket.write(head);
  splice(socket, conn.socket);
}
