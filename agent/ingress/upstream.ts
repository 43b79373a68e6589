// The ingress's side of its backend connections: keep-alive TCP connections pooled per endpoint,
// and one request/response exchange at a time on each. The request head is written as one
// string, the client's body streamed after it (re-chunked when it came chunked), and the answer
// read by response-parser.ts and handed on as it arrives. A connection goes back to the pool only
// when both the request and the response ended cleanly and the backend did not ask to close.
// A backend may close an idle connection just as we reuse it; a request that cannot have done
// anything yet (bodiless, idempotent, no answer byte seen) is then sent again on a new one.
import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Target } from './endpoint-picker.ts';
import { ResponseParser, type ResponseEvents, type ResponseHead } from './response-parser.ts';

export interface UpstreamRequest {
  /** Request line, headers and the empty line. */
  head: string;
  /** The client's body to stream after the head, if it has one. */
  body?: Readable;
  /** Frame the body in chunks (the client sent it chunked). */
  chunked?: boolean;
  /** A HEAD request: its answer has no body. */
  headMethod?: boolean;
  /** May go again on a fresh connection if a reused one closes before any answer. */
  idempotent?: boolean;
}

export interface ExchangeHandlers {
  onHead(head: ResponseHead): void;
  /**
   * A body chunk, valid only during the call (the next read reuses its memory): copy to keep
   * it. False pauses the backend until the exchange's resume().
   */
  onData(chunk: Buffer): boolean;
  onEnd(): void;
  /** The exchange failed; `code` is set for errors of the connection itself (ECONNREFUSED). */
  onError(err: NodeJS.ErrnoException): void;
}

export interface UpstreamPoolOptions {
  /** Idle connections kept per endpoint. */
  maxIdle?: number;
  /** An idle connection is closed after this long (below node:http's 5 s server default). */
  idleTimeoutMs?: number;
}

export interface Exchange {
  resume(): void;
  /** The client went away: drop the connection, answer nothing. */
  abort(): void;
}

/** The read buffer of all backend connections (reads are handled one at a time). */
const readBuffer = Buffer.allocUnsafe(64 * 1024);

export class UpstreamPool {
  private readonly idle = new Map<string, Connection[]>();
  private readonly all = new Set<Connection>();
  private readonly maxIdle: number;
  readonly idleTimeoutMs: number;

  constructor(opts: UpstreamPoolOptions = {}) {
    this.maxIdle = opts.maxIdle ?? 128;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 4000;
  }

  exchange(target: Target, request: UpstreamRequest, handlers: ExchangeHandlers): Exchange {
    return new UpstreamExchange(this, target, request, handlers);
  }

  /** An idle connection to the target, else a new one. */
  take(target: Target): { connection: Connection; reused: boolean } {
    const list = this.idle.get(key(target));
    const idle = list?.pop();
    if (idle) return { connection: idle, reused: true };
    return { connection: this.open(target), reused: false };
  }

  open(target: Target): Connection {
    const connection = new Connection(this, target);
    this.all.add(connection);
    return connection;
  }

  release(connection: Connection): void {
    const k = key(connection.target);
    let list = this.idle.get(k);
    if (!list) this.idle.set(k, (list = []));
    if (list.length >= this.maxIdle) connection.socket.destroy();
    else list.push(connection);
  }

  forget(connection: Connection): void {
    this.all.delete(connection);
    const k = key(connection.target);
    const list = this.idle.get(k);
    const at = list?.indexOf(connection) ?? -1;
    if (at !== -1) list!.splice(at, 1);
    if (list?.length === 0) this.idle.delete(k);
  }

  destroy(): void {
    for (const c of this.all) c.socket.destroy();
  }
}

/** One pooled TCP connection; its listeners stay for its life and call the current exchange. */
class Connection {
  readonly socket: Socket;
  exchange: UpstreamExchange | undefined;

  constructor(
    pool: UpstreamPool,
    readonly target: Target,
  ) {
    const socket = connect({
      host: target.host,
      port: target.port,
      noDelay: true,
      // Every connection reads into one buffer, each read handled before the next: no buffer
      // and stream push per read (issue #7). Whoever keeps bytes past onData copies them.
      onread: {
        buffer: readBuffer,
        callback: (length: number, buffer: Uint8Array) => {
          // Bytes while idle break the protocol: drop the connection.
          if (this.exchange) this.exchange.received(readBuffer.subarray(0, length));
          else socket.destroy();
          return buffer === readBuffer;
        },
      },
    });
    this.socket = socket;
    socket.setTimeout(pool.idleTimeoutMs);
    // An end while idle closes the connection: drop it.
    socket.on('end', () => (this.exchange ? this.exchange.ended() : socket.destroy()));
    socket.on('error', (err: NodeJS.ErrnoException) => this.exchange?.failed(err));
    socket.on('timeout', () => {
      if (!this.exchange) socket.destroy();
    });
    socket.on('close', () => {
      pool.forget(this);
      this.exchange?.failed(
        Object.assign(new Error('the backend closed the connection'), { code: 'ECONNRESET' }),
      );
    });
  }
}

class UpstreamExchange implements Exchange, ResponseEvents {
  private connection!: Connection;
  private reused = false;
  private parser!: ResponseParser;
  private bodyDone: boolean;
  private over = false;

  constructor(
    private readonly pool: UpstreamPool,
    private readonly target: Target,
    private readonly request: UpstreamRequest,
    private readonly handlers: ExchangeHandlers,
  ) {
    this.bodyDone = !request.body;
    const { connection, reused } = pool.take(target);
    this.send(connection, reused);
    if (request.body) this.streamBody(request.body);
  }

  resume(): void {
    this.connection.socket.resume();
  }

  abort(): void {
    if (this.over) return;
    this.over = true;
    this.detach();
    this.connection.socket.destroy();
  }

  received(chunk: Buffer): void {
    try {
      this.parser.feed(chunk);
    } catch (err) {
      this.failed(Object.assign(err as Error, { code: 'EPROTO' }));
    }
  }

  ended(): void {
    try {
      this.parser.end();
    } catch (err) {
      this.failed(Object.assign(err as Error, { code: 'ECONNRESET' }));
    }
  }

  failed(err: NodeJS.ErrnoException): void {
    if (this.over) return;
    this.detach();
    this.connection.socket.destroy();
    if (this.reused && !this.request.body && this.request.idempotent && !this.parser.started) {
      // A keep-alive connection the backend had just closed: nothing was done, go again.
      this.send(this.pool.open(this.target), false);
      return;
    }
    this.over = true;
    this.handlers.onError(err);
  }

  private send(connection: Connection, reused: boolean): void {
    this.connection = connection;
    this.reused = reused;
    connection.exchange = this;
    this.parser = new ResponseParser(this, this.request.headMethod);
    connection.socket.write(this.request.head, 'latin1');
  }

  onHead(head: ResponseHead): void {
    this.handlers.onHead(head);
  }

  onData(chunk: Buffer): void {
    if (!this.handlers.onData(chunk)) this.connection.socket.pause();
  }

  onEnd(): void {
    this.completed();
  }

  private streamBody(body: Readable): void {
    const chunked = this.request.chunked === true;
    body.on('data', (chunk: Buffer) => {
      if (this.over || this.connection.exchange !== this) return;
      const socket = this.connection.socket;
      let ok: boolean;
      if (chunked) {
        socket.cork();
        socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
        socket.write(chunk);
        ok = socket.write('\r\n', 'latin1');
        socket.uncork();
      } else ok = socket.write(chunk);
      if (!ok) {
        body.pause();
        socket.once('drain', () => body.resume());
      }
    });
    body.once('end', () => {
      if (this.over) return;
      if (chunked) this.connection.socket.write('0\r\n\r\n', 'latin1');
      this.bodyDone = true;
      if (this.parser.done) this.completed();
    });
  }

  private completed(): void {
    // The backend may answer before it read the whole body (413): the connection cannot be
    // reused then, but the answer is complete.
    if (this.over) return;
    this.over = true;
    this.detach();
    const socket = this.connection.socket;
    if (this.parser.reusable && this.bodyDone && !socket.destroyed) {
      socket.resume();
      this.pool.release(this.connection);
    } else socket.destroy();
    this.handlers.onEnd();
  }

  private detach(): void {
    if (this.connection.exchange === this) this.connection.exchange = undefined;
  }
}

function key(target: Target): string {
  return `${target.host}:${target.port}`;
}
