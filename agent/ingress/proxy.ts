// The ingress's HTTP and HTTPS reverse proxy (no framework). Each request is matched against the
// route table, sent to the next ready endpoint of its backend (the next one again when a pod
// refuses the connection), and streamed both ways as it comes, so server-sent events and long
// downloads pass through. Upgrades (WebSocket) become a plain TCP pipe once the backend has the
// request. The backend sees X-Forwarded-For/-Host/-Port/-Proto and X-Real-IP. Errors are
// answered the way ingress-nginx answers them, with a body that says why: 404 (no rule), 503
// (no ready endpoint), 502 (the endpoints refused or broke the connection).
// The data path is kept lean because it runs per request (issue #7): HTTP and HTTPS clients are
// served by our own HTTP/1.1 connection handling (client-connection.ts), which hands what it does
// not serve (Upgrade, Expect, chunked uploads, HTTP/1.0) to node:http(s) on the same port; the
// backends are spoken to by our own keep-alive connection pool and response parser
// (upstream.ts, response-parser.ts); headers are rewritten in one pass (forwarded-headers.ts),
// routes and endpoints come from caches.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTlsServer, type SecureContext, type TLSSocket } from 'node:tls';
import { connect, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import { silentLogger, type Logger } from '../../api/client/index.ts';
import type { CertificateTable } from './certificates.ts';
import { ClientConnection, type ClientConnectionHandlers } from './client-connection.ts';
import type { PemPair } from './self-signed.ts';
import type { EndpointPicker, Picked, Target } from './endpoint-picker.ts';
import type { ResponseHead } from './response-parser.ts';
import { NodeResponseSink, type ClientWatcher, type ResponseSink } from './response-sink.ts';
import { UpstreamPool, type Exchange, type ExchangeHandlers, type UpstreamRequest } from './upstream.ts';
import {
  downstreamResponseHeaders,
  upstreamRequestHead,
  upstreamRequestHeaders,
  type ForwardedRequest,
} from './forwarded-headers.ts';
import type { RouteTable } from './routes.ts';

export interface IngressState {
  routes: RouteTable;
  certificates: CertificateTable;
}

export interface IngressProxyOptions {
  /** The current routes and certificates (swapped whole when Ingresses change). */
  state: () => IngressState;
  picker: EndpointPicker;
  /** How long a client may take to send a request head (default 60 s, like node:http). */
  requestHeadTimeoutMs?: number;
  /** For the HTTPS listener before the first state exists. */
  defaultCertificate: PemPair;
  logger?: Logger;
}

/** Methods that change nothing (RFC 9110 9.2.2): safe to send again when a reused connection drops. */
const idempotent = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** Connect errors: the request never reached the backend, so another endpoint may take it. */
const notConnected = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

export class IngressProxy {
  private readonly servers: NetServer[] = [];
  private readonly sockets = new Set<Duplex>();
  private readonly upstream = new UpstreamPool();
  private readonly logger: Logger;

  constructor(private readonly opts: IngressProxyOptions) {
    this.logger = opts.logger ?? silentLogger;
  }

  /** Listens for plain HTTP; resolves the bound port. */
  listenHttp(port: number, host: string): Promise<number> {
    // node:http takes over the connections the lean path hands it; it never listens itself.
    const fallback = this.withHandlers(createHttpServer(), 'http');
    const handlers: ClientConnectionHandlers = {
      serve: (request, body, sink) => this.serve(request, body, sink, 'http'),
      fallback: (socket) => fallback.emit('connection', socket),
    };
    const server = createNetServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      this.track(socket);
      new ClientConnection(socket, handlers, this.opts.requestHeadTimeoutMs);
    });
    return this.listen(server, port, host);
  }

  /** Listens for HTTPS, picking the certificate by SNI; resolves the bound port. */
  listenHttps(port: number, host: string): Promise<number> {
    const tlsOptions = {
      ...this.opts.defaultCertificate,
      SNICallback: (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) =>
        cb(null, this.opts.state().certificates.forServername(servername)),
      // What node:https offers: clients that speak h2 stay on HTTP/1.1 here.
      ALPNProtocols: ['http/1.1'],
    };
    // As for plain HTTP: the lean path serves the TLS connections, node:https takes the rest.
    const fallback = this.withHandlers(createHttpsServer(tlsOptions), 'https');
    const handlers: ClientConnectionHandlers = {
      serve: (request, body, sink) => this.serve(request, body, sink, 'https'),
      fallback: (socket) => fallback.emit('secureConnection', socket),
    };
    const server = createTlsServer({ ...tlsOptions, allowHalfOpen: true }, (socket: TLSSocket) => {
      socket.setNoDelay(true);
      new ClientConnection(socket, handlers, this.opts.requestHeadTimeoutMs);
    });
    server.on('connection', (s: Socket) => this.track(s));
    server.on('tlsClientError', (_err, socket: TLSSocket) => socket.destroy());
    return this.listen(server, port, host);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.upstream.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  /** node:http's request and upgrade handling (HTTPS, and what the lean HTTP path hands over). */
  private withHandlers(server: Server, scheme: 'http' | 'https'): Server {
    server.on('request', (req: IncomingMessage, res: ServerResponse) =>
      this.serve(req, hasBody(req) ? req : undefined, new NodeResponseSink(res), scheme),
    );
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(req, socket, head, scheme),
    );
    server.on('clientError', (_err, socket: Duplex) => socket.destroy());
    return server;
  }

  private track(socket: Duplex): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private listen(server: NetServer, port: number, host: string): Promise<number> {
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
  private route(req: ForwardedRequest): Picked | { status: number; body: string } {
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

  private serve(
    req: ForwardedRequest,
    body: Readable | undefined,
    sink: ResponseSink,
    scheme: 'http' | 'https',
  ): void {
    const route = this.route(req);
    if ('status' in route) {
      sink.answer(route.status, route.body);
      return;
    }
    new ProxiedRequest(this.upstream, this.logger, req, body, sink, scheme, route).attempt(0);
  }

  private upgrade(req: IncomingMessage, client: Duplex, head: Buffer, scheme: 'http' | 'https'): void {
    this.track(client);
    client.on('error', () => client.destroy());
    const route = this.route(req);
    if ('status' in route) {
      const reason = route.status === 404 ? 'Not Found' : 'Service Unavailable';
      client.end(
        `HTTP/1.1 ${route.status} ${reason}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(route.body)}\r\nconnection: close\r\n\r\n${route.body}`,
      );
      return;
    }
    const headers = upstreamRequestHeaders(req, scheme);
    headers.push('Connection', 'Upgrade', 'Upgrade', req.headers.upgrade ?? 'websocket');
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < headers.length; i += 2) lines.push(`${headers[i]}: ${headers[i + 1]}`);
    const { targets, start } = route;
    const attempt = (tried: number) => {
      const target = targets[(start + tried) % targets.length]!;
      const upstream = connect({ host: target.host, port: target.port, noDelay: true });
      upstream.once('error', () => {
        if (tried + 1 < targets.length) attempt(tried + 1);
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
    attempt(0);
  }
}

/**
 * One client request on its way to a backend and its answer on the way back (methods, not
 * closures: this runs for every request).
 */
class ProxiedRequest implements ExchangeHandlers, ClientWatcher {
  private readonly request: UpstreamRequest;
  private exchange: Exchange | undefined;
  private target!: Target;
  private tried = 0;

  constructor(
    private readonly upstream: UpstreamPool,
    private readonly logger: Logger,
    private readonly req: ForwardedRequest,
    private readonly body: Readable | undefined,
    private readonly sink: ResponseSink,
    private readonly scheme: 'http' | 'https',
    private readonly route: Picked,
  ) {
    this.request = {
      head: '',
      body,
      chunked: req.headers['transfer-encoding'] !== undefined,
      headMethod: req.method === 'HEAD',
      idempotent: idempotent.has(req.method ?? ''),
    };
    sink.watch(this);
  }

  attempt(tried: number): void {
    const { targets, start } = this.route;
    this.tried = tried;
    this.target = targets[(start + tried) % targets.length]!;
    // A request without Host (HTTP/1.0) gets the backend's address, as HTTP/1.1 requires one.
    const host = this.req.headers.host === undefined ? hostPort(this.target) : undefined;
    if (tried === 0 || host !== undefined)
      this.request.head = upstreamRequestHead(this.req, this.scheme, host);
    this.exchange = this.upstream.exchange(this.target, this.request, this);
  }

  /** The client left before the answer ended: stop the backend's work too. */
  clientGone(): void {
    this.exchange?.abort();
  }

  onHead(head: ResponseHead): void {
    const out = downstreamResponseHeaders(head.headers);
    this.sink.head(head.status, head.statusMessage, out.headers, out.streamed);
  }

  onData(chunk: Buffer): boolean {
    if (this.sink.data(chunk)) return true;
    this.sink.drain(() => this.exchange?.resume());
    return false;
  }

  onEnd(): void {
    this.sink.end();
  }

  onError(err: NodeJS.ErrnoException): void {
    const sink = this.sink;
    if (sink.gone) return;
    // A connection that was never made has sent nothing: the next endpoint may take a
    // bodiless request.
    if (
      this.body === undefined &&
      this.tried + 1 < this.route.targets.length &&
      !sink.started &&
      notConnected.has(err.code ?? '')
    ) {
      this.attempt(this.tried + 1);
      return;
    }
    const backend = hostPort(this.target);
    this.logger.warn('ingress backend failed', { backend, error: String(err) });
    if (!sink.started) sink.answer(502, `502 Bad Gateway: ${backend}: ${err.code ?? err.message}\n`);
    else sink.destroy();
  }
}

function hostPort(target: Target): string {
  return target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}
