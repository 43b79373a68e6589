// The lean HTTP/1.1 server side of the ingress (issue #7): one object per client connection on
// a plain net or TLS socket, parsing request heads itself (request-head.ts) and writing each response
// as few writes as it can (head and a body that arrived with it in one buffer). node:http's
// server costs the proxy a parser callback chain, an IncomingMessage and a ServerResponse per
// request; this costs a string split and a few objects.
//
// It serves the common shape: HTTP/1.1 requests without a body or with a Content-Length one,
// kept alive, pipelined requests answered in order. Anything else that is legal (Upgrade,
// Expect, chunked uploads, HTTP/1.0, absolute-form targets) makes it hand the connection, the
// unread bytes put back, to node:http for the rest of its life. Malformed or ambiguous heads get
// a 400 (501 for an unknown body coding, 431 over 64 KiB, 408 when slower than 60 s) and the
// connection is closed.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { ForwardedRequest } from './forwarded-headers.ts';
import { parseRequestHead, type RequestHead } from './request-head.ts';
import type { ClientWatcher, ResponseSink } from './response-sink.ts';

export interface ClientRequest extends ForwardedRequest {
  method: string;
  url: string;
}

export interface ClientConnectionHandlers {
  /** Answers a request through `sink`; `body` streams its Content-Length bytes, if any. */
  serve(request: ClientRequest, body: Readable | undefined, sink: ResponseSink): void;
  /** Takes over a connection the lean path does not serve; its unread bytes are back in the socket. */
  fallback(socket: Socket): void;
}

/** Most bytes of a request head (node:http's default is 16 KiB; nginx allows 4 x 8 KiB). */
export const MAX_REQUEST_HEAD_BYTES = 64 * 1024;
/** A connection without a request in flight is closed after this long (nginx's keepalive is 75 s). */
const IDLE_TIMEOUT_MS = 60_000;
/** A request head must be complete this long after its first bytes (node:http's headersTimeout). */
export const REQUEST_HEAD_TIMEOUT_MS = 60_000;

const Phase = {
  /** Reading the next request head. */
  Head: 0,
  /** Reading the current request's body. */
  Body: 1,
  /** The request is read; its response is on the way (later bytes are pipelined requests). */
  Waiting: 2,
  Closed: 3,
} as const;
type Phase = (typeof Phase)[keyof typeof Phase];

export class ClientConnection implements ResponseSink {
  private phase: Phase = Phase.Head;
  /** Received bytes not yet consumed (a partial head, or pipelined requests). */
  private pending: Buffer | undefined;
  /** Where `pending` is copied to when bytes are added to it. */
  private store: Buffer | undefined;
  /** How many bytes of `pending` have been searched for the end of a head. */
  private searched = 0;
  /** When the incomplete head in `pending` began (0: none): a client trickling bytes is cut off. */
  private headSince = 0;
  private body: Readable | undefined;
  private bodyRemaining = 0;
  private parsing = false;
  private pausedForPipeline = false;
  // The response in flight.
  private responding = false;
  private watcher: ClientWatcher | undefined;
  private headMethod = false;
  private closeAfter = false;
  private heldHead: string | undefined;
  private headWritten = false;
  private chunkedOut = false;

  constructor(
    private readonly socket: Socket,
    private readonly handlers: ClientConnectionHandlers,
    private readonly headTimeoutMs = REQUEST_HEAD_TIMEOUT_MS,
  ) {
    socket.setTimeout(IDLE_TIMEOUT_MS);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
    socket.on('timeout', this.onTimeout);
  }

  // ---- reading requests

  private readonly onData = (chunk: Buffer): void => {
    switch (this.phase) {
      case Phase.Head:
        this.append(chunk);
        this.parse();
        return;
      case Phase.Body:
        this.bodyBytes(chunk);
        return;
      case Phase.Waiting:
        // A pipelined request: read after this response, and not without bound.
        this.append(chunk);
        if (this.pending!.length > MAX_REQUEST_HEAD_BYTES) {
          this.pausedForPipeline = true;
          this.socket.pause();
        }
        return;
    }
  };

  private readonly onEnd = (): void => {
    // A client that closes its side has gone, as node:http and nginx take it (most clients
    // close both sides at once): the request in flight is dropped with its backend connection.
    if (this.responding) this.socket.destroy();
    else if (this.phase !== Phase.Closed) this.close();
  };

  private readonly onClose = (): void => {
    this.phase = Phase.Closed;
    this.body?.destroy();
    const watcher = this.watcher;
    this.watcher = undefined;
    if (this.responding) watcher?.clientGone();
  };

  private readonly onError = (): void => {
    // 'close' follows and cleans up.
  };

  private readonly onTimeout = (): void => {
    if (!this.responding) this.socket.destroy();
  };

  /**
   * Adds received bytes to `pending`, in a buffer that grows by doubling: a head sent a byte at
   * a time costs linear copying, not quadratic.
   */
  private append(chunk: Buffer): void {
    const pending = this.pending;
    if (!pending) {
      this.pending = chunk;
      return;
    }
    const length = pending.length + chunk.length;
    let store = this.store;
    const inStore =
      store !== undefined && pending.buffer === store.buffer && pending.byteOffset === store.byteOffset;
    if (inStore && length <= store!.length) chunk.copy(store!, pending.length);
    else {
      store = Buffer.allocUnsafe(Math.max(2 * length, 1024));
      pending.copy(store, 0);
      chunk.copy(store, pending.length);
      this.store = store;
    }
    this.pending = store!.subarray(0, length);
  }

  private parse(): void {
    // An answer given synchronously (an error page) lets the loop below go on to the next
    // pipelined request, instead of recursing into parse from finished().
    if (this.parsing) return;
    this.parsing = true;
    try {
      while (this.phase === Phase.Head && this.pending !== undefined && this.parseOne());
    } finally {
      this.parsing = false;
    }
  }

  /** Parses one request head from `pending`; false when it needs more bytes or gave up the connection. */
  private parseOne(): boolean {
    const data = this.pending!;
    // Empty lines before a request line are ignored (RFC 9112 2.2).
    let from = 0;
    while (from + 1 < data.length && data[from] === 13 && data[from + 1] === 10) from += 2;
    // Bytes searched before (all but the last 3, which may start the empty line) are not again.
    const end = data.indexOf('\r\n\r\n', Math.max(from, this.searched - 3), 'latin1');
    if (end === -1 ? data.length - from > MAX_REQUEST_HEAD_BYTES : end - from > MAX_REQUEST_HEAD_BYTES) {
      this.reject(431, 'request head too large');
      return false;
    }
    if (end === -1) {
      if (from > 0) this.pending = from === data.length ? undefined : data.subarray(from);
      this.searched = data.length - from;
      if (this.pending === undefined) this.headSince = 0;
      else if (this.headSince === 0) this.headSince = Date.now();
      else if (Date.now() - this.headSince > this.headTimeoutMs)
        this.reject(408, 'request head took too long');
      return false;
    }
    this.searched = 0;
    this.headSince = 0;
    const parsed = parseRequestHead(data.toString('latin1', from, end));
    if (parsed.kind === 'error') {
      this.reject(parsed.status, parsed.reason);
      return false;
    }
    if (parsed.kind === 'fallback') {
      this.handOver(data.subarray(from));
      return false;
    }
    this.pending = end + 4 < data.length ? data.subarray(end + 4) : undefined;
    this.start(parsed.head);
    return true;
  }

  private start(head: RequestHead): void {
    this.responding = true;
    this.headMethod = head.method === 'HEAD';
    this.closeAfter = head.close;
    this.heldHead = undefined;
    this.headWritten = false;
    this.chunkedOut = false;
    let body: Readable | undefined;
    if (head.contentLength > 0) {
      body = new Readable({ read: () => this.socket.resume() });
      this.body = body;
      this.bodyRemaining = head.contentLength;
      this.phase = Phase.Body;
      const early = this.pending;
      this.pending = undefined;
      if (early) this.bodyBytes(early);
    } else this.phase = Phase.Waiting;
    const request: ClientRequest = {
      method: head.method,
      url: head.url,
      rawHeaders: head.rawHeaders,
      headers: head.headers,
      socket: this.socket,
    };
    this.handlers.serve(request, body, this);
  }

  private bodyBytes(chunk: Buffer): void {
    const body = this.body!;
    const take = Math.min(this.bodyRemaining, chunk.length);
    this.bodyRemaining -= take;
    const more = body.push(take === chunk.length ? chunk : chunk.subarray(0, take));
    if (this.bodyRemaining === 0) {
      body.push(null);
      this.body = undefined;
      this.phase = Phase.Waiting;
      if (take < chunk.length) this.onData(chunk.subarray(take));
    } else if (!more) this.socket.pause();
  }

  /** Gives the connection to node:http, `unread` (from the start of this request) put back first. */
  private handOver(unread: Buffer): void {
    const socket = this.socket;
    this.phase = Phase.Closed;
    this.pending = undefined;
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('close', this.onClose);
    socket.off('error', this.onError);
    socket.off('timeout', this.onTimeout);
    socket.setTimeout(0);
    socket.pause();
    socket.unshift(unread);
    this.handlers.fallback(socket);
    // node:http reads the put-back bytes once the socket flows again.
    process.nextTick(() => socket.resume());
  }

  /** Answers a head we will not pass on, and closes: the bytes after it cannot be trusted. */
  private reject(status: number, reason: string): void {
    const body = `${status} ${STATUS_CODES[status] ?? ''}: ${reason}\n`;
    this.phase = Phase.Closed;
    this.pending = undefined;
    this.socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      'latin1',
    );
  }

  private close(): void {
    this.phase = Phase.Closed;
    this.pending = undefined;
    if (this.body) {
      // The rest of an unread body is discarded (reading on, so the client sees our answer
      // rather than a reset); the idle timeout ends a client that never stops sending.
      this.body.destroy();
      this.body = undefined;
      this.socket.resume();
    }
    this.socket.end();
  }

  // ---- writing the response (ResponseSink)

  get started(): boolean {
    return this.headWritten || this.heldHead !== undefined;
  }

  get gone(): boolean {
    return this.socket.destroyed;
  }

  watch(watcher: ClientWatcher): void {
    this.watcher = watcher;
  }

  head(status: number, message: string, headers: string[], streamed: boolean): void {
    let text = `HTTP/1.1 ${status} ${message}\r\n`;
    for (let i = 0; i < headers.length; i += 2) text += `${headers[i]}: ${headers[i + 1]}\r\n`;
    const bodyless = this.headMethod || status === 204 || status === 304;
    this.chunkedOut = streamed && !bodyless;
    if (this.chunkedOut) text += 'Transfer-Encoding: chunked\r\n';
    if (this.closeAfter) text += 'Connection: close\r\n';
    text += '\r\n';
    if (streamed) {
      // The first body bytes of a stream may take long: the head goes now.
      this.headWritten = true;
      this.socket.write(text, 'latin1');
    } else this.heldHead = text;
  }

  data(chunk: Buffer): boolean {
    let out: Buffer;
    if (this.chunkedOut) {
      const size = chunk.length.toString(16);
      out = Buffer.allocUnsafe(size.length + 4 + chunk.length);
      out.write(size, 0, 'latin1');
      out[size.length] = 13;
      out[size.length + 1] = 10;
      chunk.copy(out, size.length + 2);
      out[out.length - 2] = 13;
      out[out.length - 1] = 10;
    } else if (this.heldHead !== undefined) {
      // Head and body in one write: one syscall and one packet for the usual small answer.
      const head = this.heldHead;
      this.heldHead = undefined;
      this.headWritten = true;
      out = Buffer.allocUnsafe(head.length + chunk.length);
      out.write(head, 0, 'latin1');
      chunk.copy(out, head.length);
    } else out = Buffer.from(chunk); // the chunk's memory is reused by the next read
    return this.socket.write(out);
  }

  drain(resume: () => void): void {
    this.socket.once('drain', resume);
  }

  end(): void {
    if (this.heldHead !== undefined) {
      this.headWritten = true;
      this.socket.write(this.heldHead, 'latin1');
      this.heldHead = undefined;
    } else if (this.chunkedOut) this.socket.write('0\r\n\r\n', 'latin1');
    this.finished();
  }

  answer(status: number, body: string): void {
    const text = this.headMethod ? '' : body;
    this.headWritten = true;
    this.socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${body.length}\r\n${this.closeAfter ? 'connection: close\r\n' : ''}\r\n${text}`,
      'latin1',
    );
    this.finished();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** The response ended: close, or go on to the next request. */
  private finished(): void {
    this.responding = false;
    this.watcher = undefined;
    if (this.phase === Phase.Closed) return;
    // The backend answered before the client sent the whole body: the rest was never read.
    if (this.phase === Phase.Body) this.closeAfter = true;
    if (this.closeAfter) return this.close();
    this.phase = Phase.Head;
    if (this.pausedForPipeline) {
      this.pausedForPipeline = false;
      this.socket.resume();
    }
    this.parse();
  }
}
