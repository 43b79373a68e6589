// The UI looks at a cluster the wizard created through its own origin:
// /app/v1/clusters/NAME/k8s/<path> is forwarded to that cluster's API server with the
// cluster's admin kubeconfig (client certificate, its CA pinned). The browser never holds the
// cluster's credentials; the UI session is what lets it in. Responses stream (watch, logs).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:https';
import type { Duplex } from 'node:stream';
import { loadKubeconfig } from '../../api/client/transport-node.ts';

const forwardedRequestHeaders = ['accept', 'content-type', 'content-length'];
const forwardedResponseHeaders = ['content-type', 'cache-control', 'audit-id', 'transfer-encoding'];

export function proxyToCluster(
  kubeconfigPath: string,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const cfg = loadKubeconfig({ kubeconfig: kubeconfigPath });
  const headers: Record<string, string> = {};
  for (const name of forwardedRequestHeaders) {
    const v = req.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  if (cfg.token) headers['authorization'] = `Bearer ${cfg.token}`;
  const upstream = request(
    new URL(path, cfg.server),
    { method: req.method, headers, ca: cfg.ca, cert: cfg.cert, key: cfg.key },
    (answer) => {
      const out: Record<string, string> = {};
      for (const name of forwardedResponseHeaders) {
        const v = answer.headers[name];
        if (typeof v === 'string') out[name] = v;
      }
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
    },
  );
  upstream.on('error', (err) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code: 502,
      reason: 'ServiceUnavailable',
      message: `the cluster's API server does not answer (${err.message}); is the cluster running? (flotilla cluster start)`,
    });
    res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end(body);
  });
  // The browser went away (a watch closed): end the upstream request too.
  res.once('close', () => upstream.destroy());
  req.pipe(upstream);
}

/**
 * An upgrade request (exec, attach, port-forward over WebSocket) forwarded to the cluster's API
 * server; once it answers 101 both sockets are joined, byte for byte.
 */
export function proxyUpgradeToCluster(
  kubeconfigPath: string,
  path: string,
  req: IncomingMessage,
  client: { socket: Duplex; head: Buffer },
): void {
  const cfg = loadKubeconfig({ kubeconfig: kubeconfigPath });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value !== 'string') continue;
    if (name === 'connection' || name === 'upgrade' || name.startsWith('sec-websocket-'))
      headers[name] = value;
  }
  if (cfg.token) headers['authorization'] = `Bearer ${cfg.token}`;
  const upstream = request(new URL(path, cfg.server), {
    method: req.method,
    headers,
    ca: cfg.ca,
    cert: cfg.cert,
    key: cfg.key,
  });
  upstream.on('upgrade', (answer, socket, head) => {
    const lines = [`HTTP/1.1 101 ${answer.statusMessage ?? 'Switching Protocols'}`];
    for (let i = 0; i < answer.rawHeaders.length; i += 2)
      lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
    client.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length) client.socket.write(head);
    if (client.head.length) socket.write(client.head);
    socket.pipe(client.socket).pipe(socket);
    const end = () => {
      socket.destroy();
      client.socket.destroy();
    };
    socket.on('error', end);
    client.socket.on('error', end);
    socket.on('close', end);
    client.socket.on('close', end);
  });
  // Refused (401, 404...): pass the answer on and close.
  upstream.on('response', (answer) => {
    const chunks: Buffer[] = [];
    answer.on('data', (c: Buffer) => chunks.push(c));
    answer.on('end', () => {
      const body = Buffer.concat(chunks);
      client.socket.end(
        `HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}\r\nContent-Type: ${answer.headers['content-type'] ?? 'text/plain'}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
  });
  upstream.on('error', (err) => {
    const body = `the cluster's API server does not answer (${err.message})`;
    client.socket.end(
      `HTTP/1.1 502 Bad Gateway\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  upstream.end();
}
