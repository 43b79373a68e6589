// Header rewriting on the ingress's data path, one pass over the raw header list
// (name, value, name, value, ...) each way. A flat list is what node:http sends fastest (no
// per-header setHeader), and it keeps repeated headers (Set-Cookie) and the sender's spelling.
//  - to the backend: the client's headers minus hop-by-hop ones and those its Connection header
//    names, with X-Forwarded-For/-Host/-Port/-Proto and X-Real-IP set by us (a client's own
//    X-Forwarded-For is kept as the start of the chain, the others are replaced);
//  - to the client: the backend's headers minus hop-by-hop ones.
import type { IncomingMessage } from 'node:http';

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

/**
 * Lengths of the names above and below, and of Content-Length: a name of another length needs no
 * lowercasing to be told apart from them.
 */
const droppedLengths = new Set<number>();

/** Headers we set for the backend; the client's copies are dropped. */
const ours = new Set([
  'x-forwarded-for',
  'x-real-ip',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-proto',
]);

for (const name of [...hopByHop, ...ours, 'content-length']) droppedLengths.add(name.length);

/** What header rewriting reads of a client request: node:http's IncomingMessage, or the lean path's. */
export interface ForwardedRequest {
  method?: string;
  url?: string;
  rawHeaders: string[];
  headers: { host?: string; connection?: string; 'x-forwarded-for'?: string; 'transfer-encoding'?: string };
  socket: { remoteAddress?: string; localPort?: number };
}

/** Whether the client's header goes to the backend. */
function forwarded(name: string, named: Set<string> | undefined): boolean {
  if (named === undefined && !droppedLengths.has(name.length)) return true;
  const lower = name.toLowerCase();
  return !hopByHop.has(lower) && !ours.has(lower) && !named?.has(lower);
}

/**
 * The request line and headers for the backend as one string (one write): the same headers as
 * upstreamRequestHeaders, without building the list.
 */
export function upstreamRequestHead(req: ForwardedRequest, scheme: 'http' | 'https', host?: string): string {
  const raw = req.rawHeaders;
  const named = connectionNamed(req.headers.connection);
  let head = `${req.method} ${req.url} HTTP/1.1\r\n`;
  for (let i = 0; i < raw.length; i += 2)
    if (forwarded(raw[i]!, named)) head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  if (host !== undefined) head += `Host: ${host}\r\n`;
  if (req.headers['transfer-encoding'] !== undefined) head += 'Transfer-Encoding: chunked\r\n';
  const client = clientAddress(req);
  const prior = req.headers['x-forwarded-for'];
  return `${head}X-Forwarded-For: ${prior ? `${prior}, ${client}` : client}\r\nX-Real-IP: ${client}\r\nX-Forwarded-Host: ${req.headers.host ?? ''}\r\nX-Forwarded-Port: ${req.socket.localPort ?? ''}\r\nX-Forwarded-Proto: ${scheme}\r\n\r\n`;
}

/** The client's request headers as the backend should get them, as a list. */
export function upstreamRequestHeaders(req: IncomingMessage, scheme: 'http' | 'https'): string[] {
  const raw = req.rawHeaders;
  const named = connectionNamed(req.headers.connection);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (forwarded(raw[i]!, named)) out.push(raw[i]!, raw[i + 1]!);
  // node:http frames a body itself; a chunked one must stay chunked (a GET has no default).
  if (req.headers['transfer-encoding'] !== undefined) out.push('Transfer-Encoding', 'chunked');
  const client = clientAddress(req);
  const prior = req.headers['x-forwarded-for'];
  out.push(
    'X-Forwarded-For',
    prior ? `${prior}, ${client}` : client,
    'X-Real-IP',
    client,
    'X-Forwarded-Host',
    req.headers.host ?? '',
    'X-Forwarded-Port',
    String(req.socket.localPort ?? ''),
    'X-Forwarded-Proto',
    scheme,
  );
  return out;
}

export interface ResponseHead {
  headers: string[];
  /** No Content-Length: the body streams (chunked or until close), so send the head at once. */
  streamed: boolean;
}

/** The backend's response headers as the client should get them. */
export function downstreamResponseHeaders(raw: string[]): ResponseHead {
  const out: string[] = [];
  let streamed = true;
  let connection: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (!droppedLengths.has(raw[i]!.length)) {
      out.push(raw[i]!, raw[i + 1]!);
      continue;
    }
    const name = raw[i]!.toLowerCase();
    if (name === 'content-length') streamed = false;
    if (name === 'connection') connection = raw[i + 1];
    if (!hopByHop.has(name)) out.push(raw[i]!, raw[i + 1]!);
  }
  const named = connectionNamed(connection);
  return { headers: named ? withoutNamed(out, named) : out, streamed };
}

/** Extra headers a Connection header declares hop-by-hop, if it names any (it rarely does). */
function connectionNamed(connection: string | undefined): Set<string> | undefined {
  if (connection === undefined || /^\s*(keep-alive|close)\s*$/i.test(connection)) return undefined;
  const tokens = connection
    .toLowerCase()
    .split(',')
    .map((s) => s.trim())
    .filter((t) => t !== '' && !hopByHop.has(t) && t !== 'close');
  return tokens.length > 0 ? new Set(tokens) : undefined;
}

function withoutNamed(headers: string[], named: Set<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2)
    if (!named.has(headers[i]!.toLowerCase())) out.push(headers[i]!, headers[i + 1]!);
  return out;
}

function clientAddress(req: ForwardedRequest): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
