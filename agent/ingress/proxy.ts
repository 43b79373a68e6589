// The ingress's HTTP and HTTPS reverse proxy (node:http/https, no framework). Each request is
// matched against the route table, sent to the next ready endpoint of its backend (the next
// one again when a pod refuses the connection), and streamed both ways as it comes, so server-
// sent events and long downloads pass through. Upgrades (WebSocket) become a plain TCP pipe
// once the backend has the request. The backend sees X-Forwarded-For/-Host/-Port/-Proto and
// X-Real-IP. Errors are answered the way ingress-nginx answers them, with a body that says why:
// 404 (no rule), 503 (no ready endpoint), 502 (the endpoints refused or broke the connection).
import {
  Agent,
  createServer as createHttpServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { silentLogger, type Logger } from '../../api/client/index.ts';
import type { CertificateTable } from './certificates.ts';
import type { PemPair } from './self-signed.ts';
import type { EndpointPicker, Target } from './endpoint-picker.ts';
import type { RouteTable } from './routes.ts';

export interface IngressState {
  routes: RouteTable;
  certificates: CertificateTable;
}

export interface IngressProxyOptions {
  /** The current routes and certificates (swapped whole when Ingresses change). */
  state: () => IngressState;
  picker: EndpointPicker;
  /** For the HTTPS listener before the first state exists. */
  defaultCertificate: PemPair;
  logger?: Logger;
}

/** Hop-by-hop headers (RFC 9110 7.6.1) are the proxy's own business, never forwarded. */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export class IngressProxy {
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Duplex>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly logger: Logger;

  constructor(private readonly opts: IngressProxyOptions) {
    this.logger = opts.logger ?? silentLogger;
  }

  /** Listens for plain HTTP; resolves the bound port. */
  listenHttp(port: number, host: string): Promise<number> {
    return this.listen(createHttpServer(), 'http', port, host);
  }

  /** Listens for HTTPS, picking the certificate by SNI; resolves the bound port. */
  listenHttps(port: number, host: string): Promise<number> {
    const server = createHttpsServer({
      ...this.opts.defaultCertificate,
      SNICallback: (servername, cb) => cb(null, this.opts.state().certificates.forServername(servername)),
    });
    return this.listen(server, 'https', port, host);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.agent.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private listen(server: Server, scheme: 'http' | 'https', port: number, host: string): Promise<number> {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res, scheme));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(req, socket, head, scheme),
    );
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        this.servers.push(server);
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  /** The route's targets, or the error response to give. */
  private route(req: IncomingMessage): { targets: Target[] } | { status: number; body: string } {
    const host = req.headers.host ?? '';
    const match = this.opts.state().routes.match(host, req.url ?? '/');
    if (!match)
      return {
        status: 404,
        body: `404 page not found: no Ingress rule for host "${host}" path "${req.url}"\n`,
      };
    const picked = this.opts.picker.pick(match.backend);
    if ('error' in picked)
      return {
        status: 503,
        body: `503 Service Unavailable: ${picked.error} (ingress ${match.backend.ingress})\n`,
      };
    return picked;
  }

  private handle(req: IncomingMessage, res: ServerResponse, scheme: 'http' | 'https'): void {
    const route = this.route(req);
    if ('status' in route) {
      res.writeHead(route.status, { 'content-type': 'text/plain; charset=utf-8' }).end(route.body);
      return;
    }
    const headers = forwardedHeaders(req, scheme);
    const attempt = (targets: Target[]) => {
      const target = targets[0]!;
      const upstream = request({
        host: target.host,
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
        agent: this.agent,
      });
      let connected = false;
      upstream.on('socket', (s) => {
        if (!s.connecting) connected = true;
        else s.once('connect', () => (connected = true));
      });
      upstream.on('response', (up) => {
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !hopByHop.has(k)) out[k] = v;
        res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
        // A streamed answer (no length) may take long for its first bytes: send the headers now.
        // Others go out with the first body chunk, one packet fewer.
        if (up.headers['content-length'] === undefined) res.flushHeaders();
        up.pipe(res);
        up.on('error', () => res.destroy());
      });
      upstream.on('error', (err) => {
        // A refused connection has sent nothing: the next endpoint may take a bodiless request.
        if (!connected && targets.length > 1 && !res.headersSent && !hasBody(req)) {
          req.unpipe(upstream);
          attempt(targets.slice(1));
          return;
        }
        this.logger.warn('ingress backend failed', {
          backend: `${target.host}:${target.port}`,
          error: String(err),
        });
        if (!res.headersSent)
          res
            .writeHead(502, { 'content-type': 'text/plain; charset=utf-8' })
            .end(
              `502 Bad Gateway: ${target.host}:${target.port}: ${(err as NodeJS.ErrnoException).code ?? err.message}\n`,
            );
        else res.destroy();
      });
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      req.pipe(upstream);
    };
    attempt(route.targets);
  }

  private upgrade(req: IncomingMessage, client: Duplex, head: Buffer, scheme: 'http' | 'https'): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    const route = this.route(req);
    if ('status' in route) {
      const reason = route.status === 404 ? 'Not Found' : 'Service Unavailable';
      client.end(
        `HTTP/1.1 ${route.status} ${reason}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(route.body)}\r\nconnection: close\r\n\r\n${route.body}`,
      );
      return;
    }
    const headers = forwardedHeaders(req, scheme);
    headers.connection = 'Upgrade';
    headers.upgrade = req.headers.upgrade ?? 'websocket';
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (const [k, v] of Object.entries(headers))
      for (const value of Array.isArray(v) ? v : [v]) lines.push(`${k}: ${value}`);
    const attempt = (targets: Target[]) => {
      const target = targets[0]!;
      const upstream = connect({ host: target.host, port: target.port });
      upstream.once('error', () => {
        if (targets.length > 1) attempt(targets.slice(1));
        else client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      });
      upstream.once('connect', () => {
        // The client may have gone while we connected.
        if (client.destroyed) {
          upstream.destroy();
          return;
        }
        this.sockets.add(upstream);
        upstream.on('close', () => {
          this.sockets.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
    };
    attempt(route.targets);
  }
}

/** The request's headers minus hop-by-hop ones, plus the X-Forwarded-* set. */
function forwardedHeaders(req: IncomingMessage, scheme: 'http' | 'https'): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const named = new Set(
    (req.headers.connection ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined && !hopByHop.has(k) && !named.has(k)) out[k] = v;
  const client = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const prior = req.headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${prior}, ${client}` : client;
  out['x-real-ip'] = client;
  out['x-forwarded-host'] = req.headers.host ?? '';
  out['x-forwarded-port'] = String(req.socket.localPort ?? '');
  out['x-forwarded-proto'] = scheme;
  return out;
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}
