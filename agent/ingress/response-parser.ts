// An HTTP/1.1 response parser for the ingress's backend connections (RFC 9112): the status line
// and headers, then the body framed by Content-Length, chunked transfer coding or the end of the
// connection. It hands the body on as it arrives (decoded from chunks), skips interim 1xx
// answers, and says whether the connection can carry another request afterwards. node:http's
// client does this too, but with a stream, an IncomingMessage and a socket hand-over per
// request, which cost the ingress as much as the whole server side (issue #7).
//
// It is strict where a proxy must be: a malformed head, obsolete line folding, conflicting
// Content-Lengths or a chunk size that is not hex are errors (the proxy answers 502), never
// guessed at, so a response cannot smuggle a second one past us.

export interface ResponseHead {
  status: number;
  statusMessage: string;
  /** Raw header list as received: name, value, name, value, ... */
  headers: string[];
}

export interface ResponseEvents {
  onHead(head: ResponseHead): void;
  onData(chunk: Buffer): void;
  onEnd(): void;
}

/** Most bytes of a response head, and of one chunk-size or trailer line. */
const MAX_HEAD_BYTES = 64 * 1024;

/** Where in the response the next byte belongs. */
const State = {
  Head: 0,
  Length: 1,
  ChunkSize: 2,
  ChunkData: 3,
  ChunkDataEnd: 4,
  Trailers: 5,
  UntilClose: 6,
  Done: 7,
} as const;
type State = (typeof State)[keyof typeof State];

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: ([^\r\n]*))?$/;
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,15})[ \t]*(?:;.*)?$/;

export class ResponseParser {
  private state: State = State.Head;
  /** Whether any byte of the response has arrived (a connection that fails before may be retried). */
  started = false;
  private pending: Buffer | undefined;
  private remaining = 0;
  private keepAlive = true;

  /** `head`: the request was HEAD, so the answer has no body whatever its headers say. */
  constructor(
    private readonly events: ResponseEvents,
    private readonly head = false,
  ) {}

  get done(): boolean {
    return this.state === State.Done;
  }

  /** After done: whether the connection may carry another request. */
  get reusable(): boolean {
    return this.state === State.Done && this.keepAlive;
  }

  /** Feeds bytes from the connection; throws on a malformed response (or bytes after its end). */
  feed(chunk: Buffer): void {
    if (chunk.length > 0) this.started = true;
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    while (data.length > 0) {
      switch (this.state) {
        case State.Head: {
          const end = data.indexOf('\r\n\r\n');
          if (end === -1) return this.keep(data);
          this.parseHead(data.toString('latin1', 0, end));
          data = data.subarray(end + 4);
          break;
        }
        case State.Length: {
          if (data.length < this.remaining) {
            this.remaining -= data.length;
            this.events.onData(data);
            return;
          }
          const body = data.subarray(0, this.remaining);
          data = data.subarray(this.remaining);
          if (body.length > 0) this.events.onData(body);
          this.finish();
          break;
        }
        case State.ChunkSize: {
          const end = data.indexOf('\r\n');
          if (end === -1) return this.keep(data);
          const match = CHUNK_SIZE.exec(data.toString('latin1', 0, end));
          if (!match) throw new Error('malformed chunk size');
          this.remaining = parseInt(match[1]!, 16);
          data = data.subarray(end + 2);
          this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
          break;
        }
        case State.ChunkData: {
          const take = Math.min(this.remaining, data.length);
          this.events.onData(data.subarray(0, take));
          this.remaining -= take;
          data = data.subarray(take);
          if (this.remaining === 0) this.state = State.ChunkDataEnd;
          break;
        }
        case State.ChunkDataEnd: {
          if (data.length < 2) return this.keep(data);
          if (data[0] !== 13 || data[1] !== 10) throw new Error('malformed chunk end');
          data = data.subarray(2);
          this.state = State.ChunkSize;
          break;
        }
        case State.Trailers: {
          // Trailer fields are dropped (we told no one we would forward them); an empty line ends.
          const end = data.indexOf('\r\n');
          if (end === -1) return this.keep(data);
          data = data.subarray(end + 2);
          if (end === 0) this.finish();
          break;
        }
        case State.UntilClose:
          this.events.onData(data);
          return;
        case State.Done:
          throw new Error('data after the end of the response');
      }
    }
  }

  /** The connection ended: completes a close-delimited body, else the response was cut short. */
  end(): void {
    if (this.state === State.UntilClose) {
      this.keepAlive = false;
      this.finish();
    } else if (this.state !== State.Done) throw new Error('connection closed before the response ended');
  }

  private keep(data: Buffer): void {
    if (data.length > MAX_HEAD_BYTES) throw new Error('response head or chunk line too long');
    this.pending = Buffer.from(data);
  }

  private parseHead(text: string): void {
    const lines = text.split('\r\n');
    const status = STATUS_LINE.exec(lines[0]!);
    if (!status) throw new Error(`malformed status line ${JSON.stringify(lines[0]!.slice(0, 80))}`);
    const code = Number(status[2]);
    const headers: string[] = [];
    let contentLength: string | undefined;
    let transferEncoding: string | undefined;
    let close = status[1] === '0';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon) : '';
      if (!TOKEN.test(name)) throw new Error(`malformed header line ${JSON.stringify(line.slice(0, 80))}`);
      const value = line.slice(colon + 1).trim();
      if (/[\0\r\n]/.test(value)) throw new Error(`malformed value of header ${name}`);
      headers.push(name, value);
      const lower = name.length === 14 || name.length === 17 || name.length === 10 ? name.toLowerCase() : '';
      if (lower === 'content-length') {
        if (contentLength !== undefined && contentLength !== value)
          throw new Error('conflicting Content-Length');
        contentLength = value;
      } else if (lower === 'transfer-encoding')
        transferEncoding = transferEncoding ? `${transferEncoding}, ${value}` : value;
      else if (lower === 'connection') {
        const tokens = value.toLowerCase();
        if (/(^|,)\s*close\s*(,|$)/.test(tokens)) close = true;
        else if (status[1] === '0' && /(^|,)\s*keep-alive\s*(,|$)/.test(tokens)) close = false;
      }
    }
    if (code >= 100 && code < 200) {
      // 101 only answers an upgrade, which does not come this way; the rest are interim.
      if (code === 101) throw new Error('unexpected 101 Switching Protocols');
      return;
    }
    this.keepAlive = !close;
    this.events.onHead({ status: code, statusMessage: status[3] ?? '', headers });
    if (this.head || code === 204 || code === 304) return this.finish();
    if (transferEncoding !== undefined) {
      // Both framings at once is how responses get smuggled: chunked wins, the connection goes.
      if (contentLength !== undefined) this.keepAlive = false;
      if (/(^|,)\s*chunked\s*$/i.test(transferEncoding)) this.state = State.ChunkSize;
      else {
        this.keepAlive = false;
        this.state = State.UntilClose;
      }
      return;
    }
    if (contentLength !== undefined) {
      if (!/^\d{1,15}$/.test(contentLength)) throw new Error('malformed Content-Length');
      this.remaining = Number(contentLength);
      if (this.remaining === 0) this.finish();
      else this.state = State.Length;
      return;
    }
    this.keepAlive = false;
    this.state = State.UntilClose;
  }

  private finish(): void {
    this.state = State.Done;
    this.events.onEnd();
  }
}
