// A transport that calls the API server's handler directly, for controllers and the scheduler
// running in the same process as the API server: no TLS, no sockets, no JSON round trip.
//
// The contract for the server side (the HTTP layer exposes it):
//  - `request(req)` answers one non-watch request. It either resolves with a response (any
//    status; a non-2xx body should be a Status) or rejects with an error carrying a Status in
//    `.status` (control-plane's StatusError does).
//  - `watch(req, sink)` starts a watch. It rejects (as above) if the watch can not start, e.g.
//    410 Expired; otherwise it calls `sink.onEvent` per event and `sink.onClose` once at the end.
//    `close()` on the returned handle stops it; no events may follow.
// Objects cross by reference: the handler must return objects the caller may keep, and must not
// keep or mutate request bodies after answering. Watch event objects may be shared by several
// watchers, so consumers treat them as read-only (as with client-go informer caches).
import { apiErrorFromResponse, asApiError } from './api-error.ts';
import { PushStream } from './push-stream.ts';
import {
  queryToStrings,
  type Query,
  type RequestOptions,
  type Transport,
  type TransportResponse,
  type TransportWatchOptions,
  type WatchStream,
} from './transport.ts';
import type { WatchEvent } from './types.ts';

export interface InProcessRequest {
  method: string;
  /** URL path without the query, e.g. `/api/v1/namespaces/default/pods`. */
  path: string;
  query: Record<string, string>;
  /** Lower-case names: `content-type`, `accept`. */
  headers: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface InProcessResponse {
  status: number;
  headers?: Record<string, string>;
  /** A value, or JSON text/bytes (parsed by the transport when content-type is JSON). */
  body?: unknown;
}

export interface InProcessWatchSink {
  onEvent(ev: WatchEvent): void;
  onClose(err?: Error): void;
}

export interface InProcessHandler {
  request(req: InProcessRequest): Promise<InProcessResponse>;
  watch(req: InProcessRequest, sink: InProcessWatchSink): Promise<{ close(): void }>;
}

function decodeBody(res: InProcessResponse): unknown {
  const type = res.headers?.['content-type'] ?? '';
  const body = res.body;
  if (!type.includes('json')) return body;
  if (typeof body === 'string') return body === '' ? undefined : JSON.parse(body);
  if (body instanceof Uint8Array)
    return body.length === 0 ? undefined : JSON.parse(new TextDecoder().decode(body));
  return body;
}

function rethrow(err: unknown): never {
  throw asApiError(err) ?? err;
}

export function inProcessTransport(handler: InProcessHandler): Transport {
  return {
    async request(method: string, path: string, opts: RequestOptions = {}): Promise<TransportResponse> {
      const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' };
      if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
      const res = await handler
        .request({
          method,
          path,
          query: queryToStrings(opts.query),
          headers,
          body: opts.body,
          signal: opts.signal,
        })
        .catch(rethrow);
      const body = decodeBody(res);
      if (res.status < 200 || res.status > 299) throw apiErrorFromResponse(res.status, body);
      return { status: res.status, headers: res.headers ?? {}, body };
    },

    async watch(path: string, query: Query, opts: TransportWatchOptions = {}): Promise<WatchStream> {
      if (opts.signal?.aborted) throw opts.signal.reason;
      let handle: { close(): void } | undefined;
      let stopped = false;
      const stop = () => {
        if (stopped) return;
        stopped = true;
        opts.signal?.removeEventListener('abort', onAbort);
        handle?.close();
      };
      const stream = new PushStream<WatchEvent>({ onClose: stop });
      const onAbort = () => stream.close();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const req: InProcessRequest = {
        method: 'GET',
        path,
        query: { ...queryToStrings(query), watch: 'true' },
        headers: { accept: 'application/json' },
        signal: opts.signal,
      };
      try {
        handle = await handler.watch(req, {
          onEvent: (ev) => stream.push(ev),
          onClose: (err) => stream.end(err),
        });
      } catch (err) {
        stopped = true;
        opts.signal?.removeEventListener('abort', onAbort);
        rethrow(err);
      }
      if (stopped) handle.close();
      return stream;
    },
  };
}
