// A strict HTTP/1.1 request-head parser for the ingress's lean client path (RFC 9112). It is
// given the head's text (request line and header lines, without the empty line that ends
// them) and says one of three things:
//  - a request the lean path serves: HTTP/1.1, origin-form target, Host, no body or a
//    Content-Length body, no Upgrade or Expect;
//  - `fallback`: legal HTTP the lean path leaves to node:http (HTTP/1.0, chunked request bodies,
//    Upgrade/WebSocket, Expect: 100-continue, absolute-form targets);
//  - an error status (400, 501): what a proxy must refuse rather than guess at, because the
//    backend might read the bytes differently and a second request would be smuggled past us:
//    both Content-Length and Transfer-Encoding, repeated or malformed Content-Length, a body coding
//    that does not end in chunked, obsolete line folding, whitespace before a colon, control bytes,
//    a repeated or missing Host.

export interface RequestHead {
  method: string;
  /** The request target as sent (origin-form: starts with `/`). */
  url: string;
  /** Raw header list as received: name, value, name, value, ... */
  rawHeaders: string[];
  /** The few headers the proxy reads, lowercased names (X-Forwarded-For joined like node:http). */
  headers: {
    host?: string;
    connection?: string;
    'x-forwarded-for'?: string;
    'transfer-encoding'?: string;
  };
  /** Body bytes that follow the head (0: none). */
  contentLength: number;
  /** The client asked to close the connection after this request. */
  close: boolean;
}

export type ParsedRequestHead =
  | { kind: 'request'; head: RequestHead }
  | { kind: 'fallback'; reason: string }
  | { kind: 'error'; status: 400 | 501; reason: string };

const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TOKEN = METHOD;
/** Visible ASCII and obs-text in a target; no spaces or controls. */
const ORIGIN_FORM = /^\/[\x21-\x7e\x80-\xff]*$/;
const OTHER_TARGET = /^[\x21-\x7e\x80-\xff]+$/;
const DIGITS = /^\d{1,15}$/;
const CLOSE = /(?:^|,)[ \t]*close[ \t]*(?:,|$)/i;
const ENDS_CHUNKED = /(?:^|,)[ \t]*chunked[ \t]*$/i;

/** Parses a request head (without its final CRLF CRLF). */
export function parseRequestHead(text: string): ParsedRequestHead {
  const lines = text.split('\r\n');
  const requestLine = lines[0]!;
  const sp1 = requestLine.indexOf(' ');
  const sp2 = requestLine.lastIndexOf(' ');
  if (sp1 <= 0 || sp2 === sp1) return error(400, 'malformed request line');
  const method = requestLine.slice(0, sp1);
  const url = requestLine.slice(sp1 + 1, sp2);
  const version = requestLine.slice(sp2 + 1);
  if (!METHOD.test(method)) return error(400, 'malformed method');
  if (version !== 'HTTP/1.1') {
    if (version === 'HTTP/1.0') return fallback('HTTP/1.0');
    return error(400, 'unsupported HTTP version');
  }
  if (!ORIGIN_FORM.test(url)) {
    if (OTHER_TARGET.test(url)) return fallback('request target not in origin form');
    return error(400, 'malformed request target');
  }

  const rawHeaders: string[] = [];
  const headers: RequestHead['headers'] = {};
  let contentLength: string | undefined;
  let oddHeader: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    // No name, a name with spaces (obs-fold starts a line with one) or other non-token bytes.
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) return error(400, 'malformed header line');
    const value = trimOws(line.slice(colon + 1));
    if (hasControl(value)) return error(400, `control byte in header ${name}`);
    rawHeaders.push(name, value);
    // Only names of these lengths need a lowercase look (most headers skip toLowerCase).
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === 'host') {
          if (headers.host !== undefined) return error(400, 'repeated Host header');
          headers.host = value;
        }
        break;
      case 6:
        if (name.toLowerCase() === 'expect') oddHeader = 'Expect';
        break;
      case 7:
        if (name.toLowerCase() === 'upgrade') oddHeader = 'Upgrade';
        break;
      case 10:
        if (name.toLowerCase() === 'connection')
          headers.connection = headers.connection === undefined ? value : `${headers.connection}, ${value}`;
        break;
      case 14:
        if (name.toLowerCase() === 'content-length') {
          if (contentLength !== undefined) return error(400, 'repeated Content-Length');
          contentLength = value;
        }
        break;
      case 15:
        if (name.toLowerCase() === 'x-forwarded-for')
          headers['x-forwarded-for'] =
            headers['x-forwarded-for'] === undefined ? value : `${headers['x-forwarded-for']}, ${value}`;
        break;
      case 17:
        if (name.toLowerCase() === 'transfer-encoding')
          headers['transfer-encoding'] =
            headers['transfer-encoding'] === undefined ? value : `${headers['transfer-encoding']}, ${value}`;
        break;
    }
  }
  if (headers.host === undefined) return error(400, 'missing Host header');
  const te = headers['transfer-encoding'];
  if (te !== undefined) {
    if (contentLength !== undefined) return error(400, 'both Content-Length and Transfer-Encoding');
    // A request body coding must end in chunked, or its end cannot be found (RFC 9112 6.3).
    if (!ENDS_CHUNKED.test(te)) return error(501, 'unsupported Transfer-Encoding');
    return fallback('chunked request body');
  }
  if (contentLength !== undefined && !DIGITS.test(contentLength))
    return error(400, 'malformed Content-Length');
  if (oddHeader !== undefined) return fallback(oddHeader);
  return {
    kind: 'request',
    head: {
      method,
      url,
      rawHeaders,
      headers,
      contentLength: contentLength === undefined ? 0 : Number(contentLength),
      close: headers.connection !== undefined && CLOSE.test(headers.connection),
    },
  };
}

/** Strips optional whitespace (SP, HTAB) around a field value; other bytes stay to be checked. */
function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value.charCodeAt(start) === 32 || value.charCodeAt(start) === 9)) start++;
  while (end > start && (value.charCodeAt(end - 1) === 32 || value.charCodeAt(end - 1) === 9)) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/** Controls other than HTAB, and DEL, which may not appear in a field value (a lone CR or LF among them). */
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127) return true;
  }
  return false;
}

function error(status: 400 | 501, reason: string): ParsedRequestHead {
  return { kind: 'error', status, reason };
}

function fallback(reason: string): ParsedRequestHead {
  return { kind: 'fallback', reason };
}
