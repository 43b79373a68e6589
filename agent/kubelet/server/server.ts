// The kubelet's HTTPS API on <nodeIP>:10250 (upstream's kubelet/server): container logs,
// exec, attach and port-forward, for the API server alone (auth.ts). Paths as upstream:
//   GET /healthz
//   GET /containerLogs/{namespace}/{pod}/{container}?follow&previous&tailLines&...
//   upgrade /exec/{namespace}/{pod}/{container}?command=..&stdin&stdout&stderr&tty
//   upgrade /attach/{namespace}/{pod}/{container}?stdin&stdout&stderr&tty
//   upgrade /portForward/{namespace}/{pod}
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../../../api/client/index.ts';
import type { CriClient } from '../cri/index.ts';
import { authenticateCaller } from './auth.ts';
import { serveContainerLogs } from './logs.ts';
import { KubeletError, writeError, writeUpgradeError } from './status.ts';

export interface KubeletServerOptions {
  cri: CriClient;
  /** PEM serving certificate and key, and the CA client certificates must chain to. */
  tls: { cert: string | Buffer; key: string | Buffer; clientCA: string | Buffer };
  logger: Logger;
}

export interface KubeletServer {
  server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

interface Route {
  kind: 'containerLogs' | 'exec' | 'attach' | 'portForward' | 'healthz';
  namespace: string;
  pod: string;
  container: string;
}

export function parseKubeletPath(path: string): Route | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [kind, namespace = '', pod = '', container = ''] = parts;
  if (kind === 'healthz' && parts.length === 1) return { kind, namespace, pod, container };
  if ((kind === 'containerLogs' || kind === 'exec' || kind === 'attach') && parts.length === 4) {
    return { kind, namespace, pod, container };
  }
  // Upstream also takes /portForward/{namespace}/{pod}/{uid}; the uid is not needed here.
  if (kind === 'portForward' && (parts.length === 3 || parts.length === 4)) {
    return { kind, namespace, pod, container: '' };
  }
  return undefined;
}

function errorOf(err: unknown): { code: number; message: string } {
  if (err instanceof KubeletError) return { code: err.code, message: err.message };
  const grpc = err as { code?: number; details?: string; message?: string };
  // CRI NotFound (gRPC 5): the container went away between lookup and call.
  if (grpc?.code === 5) return { code: 404, message: grpc.details ?? String(grpc.message) };
  return { code: 500, message: err instanceof Error ? err.message : String(err) };
}

export function createKubeletServer(opts: KubeletServerOptions): KubeletServer {
  const { cri, logger } = opts;
  const server = createServer({
    cert: opts.tls.cert,
    key: opts.tls.key,
    ca: opts.tls.clientCA,
    requestCert: true,
    rejectUnauthorized: false,
  });
  const sockets = new Set<Duplex>();
  server.on('secureConnection', (s: TLSSocket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => {});

  const split = (req: IncomingMessage) => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    return { route: parseKubeletPath(url.pathname), query: url.searchParams };
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const { route, query } = split(req);
      try {
        if (route?.kind === 'healthz') {
          res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
          return;
        }
        const auth = authenticateCaller(req.socket as TLSSocket);
        if (!auth.ok) throw new KubeletError(auth.code, auth.message);
        if (!route) throw new KubeletError(404, `no such path: ${req.url}`);
        if (route.kind !== 'containerLogs') throw new KubeletError(400, 'Upgrade request required');
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new KubeletError(405, 'only GET is allowed');
        await serveContainerLogs(cri, req, res, route, query);
      } catch (err) {
        const { code, message } = errorOf(err);
        if (code >= 500) logger.warn('kubelet API request failed', { path: req.url ?? '', error: message });
        writeError(res, code, message);
      }
    })();
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    void (async () => {
      const { route, query } = split(req);
      try {
        const auth = authenticateCaller(socket as TLSSocket);
        if (!auth.ok) throw new KubeletError(auth.code, auth.message);
        if (!route || route.kind === 'healthz') throw new KubeletError(404, `no such path: ${req.url}`);
        switch (route.kind) {
          // The streaming code (WebSocket, SPDY) is loaded on a node's first stream: most nodes
          // never see one, and its modules held ~0.5 MiB of every agent's heap (issue #6).
          case 'exec':
          case 'attach': {
            const { serveRemoteCommand } = await import('./remote-command.ts');
            await serveRemoteCommand(cri, req, socket, head, { ...route, kind: route.kind }, query);
            return;
          }
          case 'portForward': {
            const { servePortForward } = await import('./port-forward.ts');
            await servePortForward(cri, req, socket, head, route, query);
            return;
          }
          default:
            throw new KubeletError(400, `${route.kind} takes no upgrade`);
        }
      } catch (err) {
        const { code, message } = errorOf(err);
        if (code >= 500) logger.warn('kubelet API stream failed', { path: req.url ?? '', error: message });
        writeUpgradeError(socket, code, message);
      }
    })();
  });

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
