// The API server's HTTP layer: HTTPS (client certificates verified against our CA, bearer
// tokens), authorization, routing to discovery/OpenAPI/health/version and to the registries,
// and clean shutdown. Every request is handled inside one try/catch: whatever goes wrong
// answers a Status, and unexpected errors are logged and answered 500, never crash the server.
import { randomUUID } from 'node:crypto';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { resourceTypes } from '../../api/resources.ts';
import type { ResourceType } from '../../api/resource-type.ts';
import { RequestAuthenticator, anonymousUser, type AuthenticatorOptions } from './authn.ts';
import { createAuthorizer, forbiddenError, isPublicPath, type Authorizer } from './authz.ts';
import { ClientGoneError, maxBodyBytes as defaultMaxBodyBytes } from './decode.ts';
import { buildDiscovery, type DiscoveryDocuments } from './discovery.ts';
import type { Call } from './handlers/call.ts';
import { serveDiscovery } from './handlers/discovery.ts';
import { serveHealth, type HealthCheck } from './handlers/health.ts';
import { OpenApiDocuments } from './handlers/openapi.ts';
import { serveResource, type HttpSubresourceHandler, type ResourceServing } from './handlers/resource.ts';
import {
  selfSubjectAccessReviewType,
  serveSelfSubjectAccessReview,
} from './handlers/self-subject-access-review.ts';
import { selfSubjectReviewType, serveSelfSubjectReview } from './handlers/self-subject-review.ts';
import { serveUiPlaceholder } from './handlers/ui.ts';
import { kubernetesVersion, versionInfo } from './handlers/version.ts';
import { splitUrl, wantsPretty } from './query.ts';
import type { ResourceRegistry, UserInfo } from './registry/types.ts';
import { toStatus, writeObject, writeStatus } from './response.ts';
import { parseRequestInfo, type RequestInfo } from './router.ts';
import { methodNotAllowed, pathNotFound, unauthorized } from './status.ts';
import { WatchTracker } from './watch-stream.ts';

export interface TlsMaterial {
  /** PEM serving key and certificate (chain). */
  key: string | Buffer;
  cert: string | Buffer;
  /** PEM CA that client certificates must chain to. */
  ca: string | Buffer;
}

/** A non-resource handler mounted at a path prefix (the UI at /ui/). */
export interface Mount {
  prefix: string;
  /** Served without credentials (static UI assets). */
  public?: boolean;
  /** `upgrade` is set for upgrade requests (WebSocket): a handler that accepts takes the socket. */
  handle: (
    req: IncomingMessage,
    res: ServerResponse,
    upgrade?: { socket: Duplex; head: Buffer },
  ) => void | Promise<void>;
}

export interface ApiServerOptions {
  tls: TlsMaterial;
  /** Served resources keyed `group/version/plural` (registry's createRegistries). */
  registries: ReadonlyMap<string, ResourceRegistry>;
  /** Client certificate and bearer token authenticators (control-plane/auth). */
  authentication?: AuthenticatorOptions;
  authorizer?: Authorizer;
  /** HTTP-level subresources (log, exec, proxy...), keyed `group/resource/subresource`. */
  subresources?: ReadonlyMap<string, HttpSubresourceHandler>;
  mounts?: Mount[];
  /** Extra /readyz checks (the store, ...). */
  readyChecks?: HealthCheck[];
  maxBodyBytes?: number;
  /** Where to report unexpected errors; defaults to stderr. */
  log?: (line: string) => void;
}

export interface ApiServer {
  readonly server: Server;
  /** Listen; resolves with the bound address. Rejects (e.g. EADDRINUSE) if the port is taken. */
  listen(port: number, host?: string): Promise<{ host: string; port: number; url: string }>;
  /** Stop accepting, end watches, finish in-flight requests (up to `graceMs`), close connections. */
  close(graceMs?: number): Promise<void>;
  /** Number of open watch streams. */
  readonly watchCount: number;
}

/** Types shown in discovery and OpenAPI: the served registries in resources.ts order, plus the HTTP-only ones. */
function servedTypes(registries: ReadonlyMap<string, ResourceRegistry>): ResourceType[] {
  const key = (rt: ResourceType) => `${rt.group}/${rt.version}/${rt.plural}`;
  const ordered = resourceTypes
    .filter((rt) => registries.has(key(rt)))
    .map((rt) => registries.get(key(rt))!.type);
  const known = new Set(ordered.map(key));
  for (const r of registries.values()) if (!known.has(key(r.type))) ordered.push(r.type);
  // SelfSubjectReview goes with its group where upstream lists it, after apps.
  const appsEnd = ordered.findLastIndex((rt) => rt.group === 'apps');
  ordered.splice(appsEnd + 1, 0, selfSubjectReviewType);
  // authorization.k8s.io has no served type of its own to sit next to: it goes last.
  ordered.push(selfSubjectAccessReviewType);
  return ordered;
}

export function createApiServer(opts: ApiServerOptions): ApiServer {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // One made here is closed here too (its node index watches the store).
  const ownAuthorizer = opts.authorizer ? undefined : createAuthorizer(opts.registries);
  const authorizer = opts.authorizer ?? ownAuthorizer!;
  const authenticator = new RequestAuthenticator(opts.authentication);
  const maxBodyBytes = opts.maxBodyBytes ?? defaultMaxBodyBytes;
  const watches = new WatchTracker();
  const serving: ResourceServing = { watches, subresources: opts.subresources ?? new Map() };
  const types = servedTypes(opts.registries);
  const openapi = new OpenApiDocuments(() => types, kubernetesVersion.gitVersion);
  const version = JSON.stringify(versionInfo());
  let discovery: DiscoveryDocuments | undefined;
  let closing = false;
  const inFlight = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const server = createServer({
    key: opts.tls.key,
    cert: opts.tls.cert,
    ca: opts.tls.ca,
    // Ask for a client certificate but let requests without one through to token auth.
    requestCert: true,
    rejectUnauthorized: false,
    keepAlive: true,
  });
  // Watches are long-lived responses; the request itself must still arrive promptly.
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 65_000;

  const logError = (msg: string, err?: unknown) =>
    log(
      `apiserver: ${msg}${err ? `: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` : ''}`,
    );

  const dispatchNonResource = async (call: Call, method: string): Promise<void> => {
    const path = call.path;
    const isGet = method === 'GET' || method === 'HEAD';
    if (path === '/version' || path === '/version/') {
      if (!isGet) throw methodNotAllowed();
      writeObject(call.res, 200, JSON.parse(version), { auditId: call.auditId, pretty: call.pretty });
      return;
    }
    for (const endpoint of ['healthz', 'livez', 'readyz'] as const) {
      if (path === `/${endpoint}` || path.startsWith(`/${endpoint}/`)) {
        if (!isGet) throw methodNotAllowed();
        const checks =
          endpoint === 'readyz'
            ? [...(opts.readyChecks ?? []), { name: 'shutdown', check: () => !closing }]
            : [];
        await serveHealth(call, endpoint, checks);
        return;
      }
    }
    for (const m of opts.mounts ?? []) {
      if (path === m.prefix.replace(/\/$/, '') || path.startsWith(m.prefix)) {
        await m.handle(call.req, call.res, call.upgrade);
        return;
      }
    }
    if (path === '/ui' || path.startsWith('/ui/')) {
      if (!isGet) throw methodNotAllowed();
      serveUiPlaceholder(call);
      return;
    }
    if (path === '/api' || path === '/apis' || path.startsWith('/api/') || path.startsWith('/apis/')) {
      if (!isGet) throw methodNotAllowed();
      discovery ??= buildDiscovery(types, serverAddress());
      if (serveDiscovery(call, discovery)) return;
    }
    if (path === '/openapi/v2' || path.startsWith('/openapi/')) {
      if (!isGet) throw methodNotAllowed();
      if (openapi.serve(call)) return;
    }
    throw pathNotFound();
  };

  const serverAddress = (): string => {
    const a = server.address() as AddressInfo | null;
    if (!a) return '127.0.0.1:0';
    return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
  };

  const isPublic = (info: RequestInfo): boolean => {
    if (info.kind !== 'nonresource' || (info.verb !== 'get' && info.verb !== 'head')) return false;
    if (isPublicPath(info.path)) return true;
    return (
      (opts.mounts ?? []).some((m) => m.public && info.path.startsWith(m.prefix)) ||
      info.path === '/ui' ||
      info.path.startsWith('/ui/')
    );
  };

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    upgrade?: { socket: Duplex; head: Buffer },
  ): Promise<void> => {
    const auditId = randomUUID();
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    let call: Call | undefined;
    try {
      const url = req.url ?? '/';
      const { path, query } = splitUrl(url);
      const method = req.method ?? 'GET';
      const info = parseRequestInfo(method, path, query.get('watch'));
      let user: UserInfo | undefined = await authenticator.authenticate(req);
      if (!user) {
        if (!isPublic(info)) throw unauthorized();
        user = anonymousUser;
      }
      call = {
        req,
        res,
        auditId,
        path,
        query,
        user,
        pretty: wantsPretty(query, req.headers['user-agent']),
        maxBodyBytes,
        log: logError,
        ...(upgrade ? { upgrade } : {}),
      };
      if (user !== anonymousUser && !(await authorizer(user, info))) throw forbiddenError(user, info);
      if (info.kind === 'nonresource') {
        await dispatchNonResource(call, method);
        return;
      }
      if (info.group === selfSubjectReviewType.group && info.resource === selfSubjectReviewType.plural) {
        if (info.version !== selfSubjectReviewType.version) throw pathNotFound();
        await serveSelfSubjectReview(call, info);
        return;
      }
      if (
        info.group === selfSubjectAccessReviewType.group &&
        info.resource === selfSubjectAccessReviewType.plural
      ) {
        if (info.version !== selfSubjectAccessReviewType.version) throw pathNotFound();
        await serveSelfSubjectAccessReview(call, info, authorizer);
        return;
      }
      const registry = opts.registries.get(`${info.group}/${info.version}/${info.resource}`);
      if (!registry) throw pathNotFound();
      await serveResource(call, info, registry, serving);
    } catch (err) {
      if (err instanceof ClientGoneError) {
        res.destroy();
        return;
      }
      const { status, unexpected } = toStatus(err);
      if (unexpected) logError(`${req.method} ${req.url} failed (audit ${auditId})`, err);
      const closeConnection = (err as { closeConnection?: boolean })?.closeConnection === true;
      try {
        writeStatus(res, status, {
          auditId,
          pretty: call?.pretty ?? false,
          ...(closeConnection ? { headers: { Connection: 'close' } } : {}),
        });
      } catch (writeErr) {
        logError('writing an error response', writeErr);
        res.destroy();
      }
    }
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err) => {
      logError('unhandled', err);
      res.destroy();
    });
  });
  // Upgrade requests (exec, attach, port-forward) go through the same authn, authz and routing,
  // with a response object on their socket for refusals; a handler that accepts takes the socket.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const res = new ServerResponse(req);
    res.assignSocket(socket as Socket);
    res.shouldKeepAlive = false;
    res.once('finish', () => socket.end());
    handle(req, res, { socket, head }).catch((err) => {
      logError('unhandled', err);
      socket.destroy();
    });
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A client that breaks TLS or HTTP framing only loses its own connection.
  server.on('tlsClientError', () => {});
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  return {
    server,
    get watchCount() {
      return watches.size;
    },
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          const a = server.address() as AddressInfo;
          const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
          resolve({ host: a.address, port: a.port, url: `https://${h}:${a.port}` });
        });
      });
    },
    async close(graceMs = 5_000) {
      closing = true;
      ownAuthorizer?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      watches.endAll();
      const deadline = Date.now() + graceMs;
      while (inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      // End connections gracefully (TLS close_notify and FIN after what is buffered), so the
      // last chunk of an ended watch reaches its client; destroy whatever lingers after that.
      for (const socket of sockets) socket.end();
      const lingering = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, 1_000);
      await closed;
      clearTimeout(lingering);
    },
  };
}
