// A transport over the WHATWG fetch API, for the renderer (and any runtime with fetch): same
// REST paths and watch stream as the Node transport, with the watch body read as a stream.
// Browser fetch cannot present client certificates, so this authenticates with a bearer token
// (or whatever cookies/headers the page's origin provides).
import { apiErrorFromResponse } from './api-error.ts';
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

export interface FetchTransportOptions {
  /** `https://127.0.0.1:6443`, or '' for same-origin paths. */
  baseUrl: string;
  token?: string;
  headers?: Record<string, string>;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

function decode(text: string, contentType: string | null, strict: boolean): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text);
    } catch (err) {
      if (strict) throw err;
    }
  }
  return text;
}

export function fetchTransport(opts: FetchTransportOptions): Transport {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const base = opts.baseUrl.replace(/\/+$/, '');
  const headers = (extra: Record<string, string>) => ({
    ...opts.headers,
    ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    ...extra,
  });

  return {
    async request(method: string, path: string, req: RequestOptions = {}): Promise<TransportResponse> {
      const extra: Record<string, string> = { accept: req.accept ?? 'application/json' };
      let body: string | undefined;
      if (req.body !== undefined) {
        body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
        extra['content-type'] = req.contentType ?? 'application/json';
      }
      const res = await doFetch(`${base}${path}${encodeQuery(req.query)}`, {
        method,
        headers: headers(extra),
        body,
        signal: req.signal,
      });
      const text = await res.text();
      const parsed = decode(text, res.headers.get('content-type'), res.ok);
      if (!res.ok) throw apiErrorFromResponse(res.status, parsed);
      const out: Record<string, string> = {};
      res.headers.forEach((v, k) => (out[k] = v));
      return { status: res.status, headers: out, body: parsed };
    },

    async watch(path: string, query: Query, wopts: TransportWatchOptions = {}): Promise<WatchStream> {
      const abort = new AbortController();
      const signal = wopts.signal ? AbortSignal.any([wopts.signal, abort.signal]) : abort.signal;
      const res = await doFetch(`${base}${path}${encodeQuery({ ...query, watch: 'true' })}`, {
        headers: headers({ accept: 'application/json' }),
        signal,
      });
      if (!res.ok || !res.body) {
        const text = await res.text();
        throw apiErrorFromResponse(res.status, decode(text, res.headers.get('content-type'), false));
      }
      const reader = res.body.getReader();
      let resume: (() => void) | undefined;
      let paused = false;
      const stream = new PushStream<WatchEvent>({
        onHighWater: () => (paused = true),
        onDrain: () => {
          paused = false;
          resume?.();
        },
        onClose: () => abort.abort(),
      });
      wopts.signal?.addEventListener('abort', () => stream.close(), { once: true });
      const decoder = new WatchDecoder();
      void (async () => {
        try {
          for (;;) {
            if (paused) await new Promise<void>((r) => (resume = r));
            const { value, done } = await reader.read();
            if (done) break;
            for (const ev of decoder.push(value)) stream.push(ev);
          }
          for (const ev of decoder.end()) stream.push(ev);
          stream.end();
        } catch (err) {
          stream.end(err);
        }
      })();
      return stream;
    },
  };
}
