// The seam between the client and the wire. The client core (typed client, informers) only
// knows this interface, so the same code runs over HTTPS in Node (transport-node.ts), in-process
// next to the API server (transport-in-process.ts), or over fetch in the renderer.
import type { KubeObject, WatchEvent } from './types.ts';

export type QueryValue = string | number | boolean | undefined;
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  /** A JSON-serialisable value; a string is sent as it is (e.g. YAML). */
  body?: unknown;
  /** Defaults to application/json when there is a body. */
  contentType?: string;
  /** Defaults to application/json. */
  accept?: string;
  signal?: AbortSignal;
}

export interface TransportResponse<T = unknown> {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON when the server answered JSON, else the text. */
  body: T;
}

/** An open watch: iterate its events; `close()` ends the iteration and frees the connection. */
export interface WatchStream<T extends KubeObject = KubeObject> extends AsyncIterable<WatchEvent<T>> {
  close(): void;
}

export interface TransportWatchOptions {
  signal?: AbortSignal;
}

export interface Transport {
  /** One request. Rejects with ApiError on a non-2xx answer, with a plain Error on network failure. */
  request(method: string, path: string, opts?: RequestOptions): Promise<TransportResponse>;
  /**
   * Starts a watch (`watch=true` is added). Resolves once the server accepted it; rejects with
   * ApiError if it did not (e.g. 410 Expired). ERROR events inside the stream are yielded as
   * they come; the iteration ends when the server closes the stream and throws on a broken
   * connection.
   */
  watch(path: string, query: Query, opts?: TransportWatchOptions): Promise<WatchStream>;
  /** Release pooled connections. */
  close?(): void;
}

/** `?a=1&b=x` (or '') from a query, leaving out undefined values. */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Query values as strings (what a server's URL parser would produce), for in-process handlers. */
export function queryToStrings(query: Query | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (query) for (const [k, v] of Object.entries(query)) if (v !== undefined) out[k] = String(v);
  return out;
}
