// Where a proxied answer goes: the client connection, spoken to either by the lean HTTP/1.1
// path (client-connection.ts) or by node:http's ServerResponse (requests the lean path hands
// over: Upgrade, Expect, chunked uploads, HTTP/1.0). The proxy writes through this interface
// and does not care which.
import { type ServerResponse } from 'node:http';

/** A request in flight that must stop its backend's work when the client leaves. */
export interface ClientWatcher {
  clientGone(): void;
}

export interface ResponseSink {
  /** The response head went out or is queued: too late for an error page. */
  readonly started: boolean;
  /** The client went away. */
  readonly gone: boolean;
  /** Calls `watcher.clientGone()` if the client leaves before the response ended. */
  watch(watcher: ClientWatcher): void;
  /** The response head; `streamed`: no Content-Length, so the body is framed by us and the head goes at once. */
  head(status: number, message: string, headers: string[], streamed: boolean): void;
  /** A body chunk, valid only during the call (copy to keep); false: the client is slow, wait for `drain`. */
  data(chunk: Buffer): boolean;
  drain(resume: () => void): void;
  end(): void;
  /** A whole plain-text answer (error pages); only before `started`. */
  answer(status: number, body: string): void;
  /** Breaks off a response already started. */
  destroy(): void;
}

/** A ResponseSink over node:http's ServerResponse (the fallback path). */
export class NodeResponseSink implements ResponseSink {
  constructor(private readonly res: ServerResponse) {}

  get started(): boolean {
    return this.res.headersSent;
  }

  get gone(): boolean {
    return this.res.destroyed;
  }

  watch(watcher: ClientWatcher): void {
    this.res.once('close', () => {
      // The client left before the answer ended: stop the backend's work too.
      if (!this.res.writableFinished) watcher.clientGone();
    });
  }

  head(status: number, message: string, headers: string[], streamed: boolean): void {
    this.res.writeHead(status, message, headers);
    // A streamed answer may take long for its first bytes: send the head now. Others go out
    // with the first body chunk, one packet fewer.
    if (streamed) this.res.flushHeaders();
  }

  data(chunk: Buffer): boolean {
    // A copy: the chunk's memory is reused by the next backend read.
    return this.res.write(Buffer.from(chunk));
  }

  drain(resume: () => void): void {
    this.res.once('drain', resume);
  }

  end(): void {
    this.res.end();
  }

  answer(status: number, body: string): void {
    this.res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
  }

  destroy(): void {
    this.res.destroy();
  }
}
