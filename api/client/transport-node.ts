// The Node transport: HTTPS (or plain HTTP) to the API server with the kubeconfig's CA, client
// certificate or bearer token. Node only; the browser supplies its own Transport.
//
// Two connection pools: requests share a keep-alive pool capped at `maxSockets`, while each
// watch holds its own long-lived connection in a separate, uncapped pool, so a dozen informers
// can never starve ordinary requests (HTTP/1.1 has one request in flight per socket).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createSecureContext } from 'node:tls';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { apiErrorFromResponse } from './api-error.ts';
import { parseKubeconfig, resolveKubeconfig, type ConnectionConfig, type Kubeconfig } from './kubeconfig.ts';
import { PushStream } from './push-stream.ts';
import {
  encodeQuery,
  type Query,
  type RequestOptions,
  type Transport,
  type TransportResponse,
  type TransportWatchOptions,
  type WatchStream,
} from './transport.ts';
import type { WatchEvent } from './types.ts';
import { WatchDecoder } from './watch-decoder.ts';

export interface NodeTransportOptions {
  /** Concurrent request connections (watches are not counted). Default 32. */
  maxSockets?: number;
  /** Per-request timeout; 0 disables. Default 60s. Watches end by the server's timeoutSeconds instead. */
  requestTimeoutMs?: number;
  userAgent?: string;
}

export interface KubeconfigSource {
  /** A kubeconfig file path, or a parsed kubeconfig object. */
  kubeconfig: string | Kubeconfig;
  context?: string;
}

/** Connection settings from a kubeconfig file (relative file references resolve against its folder). */
export function loadKubeconfig(source: KubeconfigSource): ConnectionConfig {
  if (typeof source.kubeconfig !== 'string') {
    return resolveKubeconfig(source.kubeconfig, {
      context: source.context,
      readFile: (p) => readFileSync(p, 'utf8'),
    });
  }
  const file = source.kubeconfig;
  const dir = dirname(file);
  return resolveKubeconfig(parseKubeconfig(readFileSync(file, 'utf8')), {
    context: source.context,
    readFile: (p) => readFileSync(isAbsolute(p) ? p : resolvePath(dir, p), 'utf8'),
  });
}

export function nodeTransportFromKubeconfig(
  source: KubeconfigSource,
  opts: NodeTransportOptions = {},
): NodeTransport {
  return new NodeTransport(loadKubeconfig(source), opts);
}

type Lib = typeof http | typeof https;

export class NodeTransport implements Transport {
  private readonly base: URL;
  private readonly lib: Lib;
  private readonly requestAgent: http.Agent;
  private readonly watchAgent: http.Agent;
  private readonly baseHeaders: Record<string, string>;
  private readonly requestTimeoutMs: number;

  constructor(
    readonly connection: ConnectionConfig,
    opts: NodeTransportOptions = {},
  ) {
    this.base = new URL(connection.server);
    const secure = this.base.protocol === 'https:';
    this.lib = secure ? https : http;
    // One secure context for every connection: building it parses the key and certificates,
    // which otherwise happens again on each new socket.
    const tls: https.AgentOptions = secure
      ? {
          secureContext: createSecureContext({
            ca: connection.ca,
            cert: connection.cert,
            key: connection.key,
          }),
          rejectUnauthorized: !connection.insecureSkipTLSVerify,
          servername: connection.tlsServerName,
        }
      : {};
    const maxSockets = opts.maxSockets ?? 32;
    const Agent = secure ? https.Agent : http.Agent;
    this.requestAgent = new Agent({
      ...tls,
      keepAlive: true,
      maxSockets,
      // Keep every connection of a burst: closing them means new TLS handshakes for the next one.
      maxFreeSockets: maxSockets,
    });
    this.watchAgent = new Agent({ ...tls, keepAlive: true, maxSockets: Infinity, maxFreeSockets: 4 });
    this.baseHeaders = { 'user-agent': opts.userAgent ?? 'flotilla-client' };
    if (connection.token) this.baseHeaders['authorization'] = `Bearer ${connection.token}`;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
  }

  private url(path: string, query: Query | undefined): string {
    const prefix = this.base.pathname === '/' ? '' : this.base.pathname;
    return `${prefix}${path}${encodeQuery(query)}`;
  }

  request(method: string, path: string, opts: RequestOptions = {}): Promise<TransportResponse> {
    const headers: Record<string, string> = {
      ...this.baseHeaders,
      accept: opts.accept ?? 'application/json',
    };
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] = opts.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return this.send(method, path, opts, headers, payload, true);
  }

  private send(
    method: string,
    path: string,
    opts: RequestOptions,
    headers: Record<string, string>,
    payload: string | undefined,
    mayRetry: boolean,
  ): Promise<TransportResponse> {
    return new Promise((resolve, reject) => {
      let answered = false;
      const req = this.lib.request(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port,
          method,
          path: this.url(path, opts.query),
          headers,
          agent: this.requestAgent,
          signal: opts.signal,
        },
        (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            try {
              const text = Buffer.concat(chunks).toString('utf8');
              const status = res.statusCode ?? 0;
              const ok = status >= 200 && status <= 299;
              const body = decode(text, res.headers['content-type'], ok);
              if (!ok) return reject(apiErrorFromResponse(status, body));
              resolve({ status, headers: flatHeaders(res.headers), body });
            } catch (err) {
              reject(err);
            }
          });
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        // A pooled connection the server had already closed (idle timeout, restart): the request
        // never reached it, so sending it once more on a fresh connection is safe.
        if (mayRetry && !answered && req.reusedSocket && err.code === 'ECONNRESET') {
          this.send(method, path, opts, headers, payload, false).then(resolve, reject);
        } else reject(err);
      });
      if (this.requestTimeoutMs > 0) {
        req.setTimeout(this.requestTimeoutMs, () =>
          req.destroy(new Error(`${method} ${path}: no answer within ${this.requestTimeoutMs}ms`)),
        );
      }
      req.end(payload);
    });
  }

  watch(path: string, query: Query, opts: TransportWatchOptions = {}): Promise<WatchStream> {
    return new Promise((resolve, reject) => {
      const req = this.lib.request({
        protocol: this.base.protocol,
        hostname: this.base.hostname,
        port: this.base.port,
        method: 'GET',
        path: this.url(path, { ...query, watch: 'true' }),
        headers: { ...this.baseHeaders, accept: 'application/json' },
        agent: this.watchAgent,
        signal: opts.signal,
      });
      let stream: PushStream<WatchEvent> | undefined;
      req.on('error', (err) => (stream ? stream.end(err) : reject(err)));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        if (status !== 200) {
          let text = '';
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            try {
              reject(apiErrorFromResponse(status, decode(text, res.headers['content-type'], false)));
            } catch (err) {
              reject(err);
            }
          });
          res.on('error', reject);
          return;
        }
        const s = new PushStream<WatchEvent>({
          onHighWater: () => res.pause(),
          onDrain: () => res.resume(),
          onClose: () => req.destroy(),
        });
        stream = s;
        const decoder = new WatchDecoder();
        let complete = false;
        res.on('data', (chunk: string) => {
          try {
            for (const ev of decoder.push(chunk)) s.push(ev);
          } catch (err) {
            s.end(err);
            req.destroy();
          }
        });
        res.on('end', () => {
          complete = true;
          try {
            for (const ev of decoder.end()) s.push(ev);
            s.end();
          } catch (err) {
            s.end(err);
          }
        });
        res.on('error', (err) => s.end(err));
        // Aborting after the answer ends the iteration quietly instead of as an error. The
        // listener goes with the connection: a long-lived signal (the agent's) sees a watch
        // restart every few minutes per informer, and each left behind held its stream.
        const onAbort = () => s.close();
        res.on('close', () => {
          opts.signal?.removeEventListener('abort', onAbort);
          if (!complete) s.end(new Error(`watch ${path}: connection closed before the stream ended`));
        });
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        resolve(s);
      });
      req.end();
    });
  }

  close(): void {
    this.requestAgent.destroy();
    this.watchAgent.destroy();
  }
}

/** JSON when the server says so (or sends no type but looks like JSON); else the text. */
function decode(text: string, contentType: string | undefined, strict: boolean): unknown {
  if (text === '') return undefined;
  const json = contentType?.includes('json') ?? false;
  if (json || (contentType === undefined && /^\s*[{[]/.test(text))) {
    try {
      return JSON.parse(text);
    } catch (err) {
      if (json && strict) throw err;
    }
  }
  return text;
}

function flatHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
