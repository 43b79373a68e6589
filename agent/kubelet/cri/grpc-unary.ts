// gRPC unary calls over one HTTP/2 connection to a unix socket: all the kubelet asks of the
// runtime (every CRI method it uses is unary; exec, attach and port-forward hand out URLs).
// @grpc/grpc-js did this with channels, subchannels, resolvers, load balancing and channelz:
// ~2.5 MiB of every agent's heap and 0.4 MB of the bundle's source (issue #6: agent memory).
// Wire format (gRPC over HTTP/2): a POST to /package.Service/Method, each message prefixed by a
// compressed flag and a 4-byte length, the status in the `grpc-status` trailer.
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { connect as connectSocket } from 'node:net';

/** The gRPC status codes (google.rpc.Code). */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** A failed call: its gRPC status code and the server's message. */
export class GrpcCallError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`${code} ${codeName(code)}: ${details}`);
    this.name = 'GrpcCallError';
  }
}

export class GrpcUnaryClient {
  private session: ClientHttp2Session | undefined;
  private inFlight = 0;
  private closed = false;

  /** @param socket absolute path of the server's unix socket */
  constructor(
    private readonly socket: string,
    private readonly maxMessageBytes = 64 * 1024 * 1024,
  ) {}

  /** One request, one response; rejects with a GrpcCallError. No deadline when timeoutMs is not finite. */
  call(path: string, request: Buffer, timeoutMs: number): Promise<Buffer> {
    if (this.closed) return Promise.reject(new GrpcCallError(GrpcStatus.UNAVAILABLE, 'client closed'));
    const session = this.connection();
    const headers: Record<string, string> = {
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: path,
      'content-type': 'application/grpc',
      te: 'trailers',
    };
    if (Number.isFinite(timeoutMs)) headers['grpc-timeout'] = `${Math.max(1, Math.ceil(timeoutMs))}m`;
    const frame = Buffer.allocUnsafe(5 + request.length);
    frame[0] = 0;
    frame.writeUInt32BE(request.length, 1);
    request.copy(frame, 5);
    this.hold();
    return new Promise<Buffer>((resolve, reject) => {
      let stream: ClientHttp2Stream;
      let settled = false;
      const chunks: Buffer[] = [];
      let size = 0;
      let status: number | undefined;
      let message = '';
      const finish = (err: GrpcCallError | undefined, body?: Buffer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.release();
        if (err) reject(err);
        else resolve(body!);
      };
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            finish(new GrpcCallError(GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded'));
            stream?.close(constants.NGHTTP2_CANCEL);
          }, timeoutMs)
        : undefined;
      const readStatus = (h: Record<string, unknown>) => {
        if (h['grpc-status'] !== undefined) status = Number(h['grpc-status']);
        if (typeof h['grpc-message'] === 'string') message = decodeMessage(h['grpc-message']);
      };
      try {
        stream = session.request(headers);
      } catch (err) {
        finish(new GrpcCallError(GrpcStatus.UNAVAILABLE, String(err)));
        return;
      }
      stream.on('response', (h) => {
        const httpStatus = Number(h[constants.HTTP2_HEADER_STATUS]);
        if (httpStatus !== 200 && h['grpc-status'] === undefined) {
          finish(new GrpcCallError(httpStatusToGrpc(httpStatus), `HTTP status ${httpStatus}`));
          stream.close(constants.NGHTTP2_CANCEL);
          return;
        }
        readStatus(h); // a trailers-only response carries the status in its headers
      });
      stream.on('trailers', readStatus);
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxMessageBytes + 5) {
          finish(
            new GrpcCallError(
              GrpcStatus.RESOURCE_EXHAUSTED,
              `response larger than ${this.maxMessageBytes} bytes`,
            ),
          );
          stream.close(constants.NGHTTP2_CANCEL);
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', (err) => finish(new GrpcCallError(GrpcStatus.UNAVAILABLE, err.message)));
      stream.on('close', () => {
        if (status === undefined) {
          finish(new GrpcCallError(GrpcStatus.UNAVAILABLE, 'stream closed without a status'));
          return;
        }
        if (status !== GrpcStatus.OK) {
          finish(new GrpcCallError(status, message));
          return;
        }
        const body = Buffer.concat(chunks, size);
        if (body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5) {
          finish(new GrpcCallError(GrpcStatus.INTERNAL, 'malformed response message'));
          return;
        }
        finish(undefined, body.subarray(5));
      });
      stream.end(frame);
    });
  }

  close(): void {
    this.closed = true;
    this.session?.close();
    this.session = undefined;
  }

  private connection(): ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const session = connect('http://localhost', { createConnection: () => connectSocket(this.socket) });
    // A failed or lost connection fails the calls on it; the next call dials again.
    session.on('error', () => {});
    const forget = () => {
      if (this.session === session) this.session = undefined;
    };
    session.on('close', forget);
    session.on('goaway', forget);
    if (this.inFlight === 0) session.unref();
    this.session = session;
    return session;
  }

  // The connection keeps the process alive only while a call is under way (as grpc-js does).
  private hold(): void {
    if (this.inFlight++ === 0) this.session?.ref();
  }

  private release(): void {
    if (--this.inFlight === 0) this.session?.unref();
  }
}

/** grpc-message is percent-encoded. */
function decodeMessage(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The gRPC spec's mapping for responses without a grpc-status. */
function httpStatusToGrpc(status: number): number {
  switch (status) {
    case 400:
      return GrpcStatus.INTERNAL;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
      return GrpcStatus.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcStatus.UNAVAILABLE;
    default:
      return GrpcStatus.UNKNOWN;
  }
}

function codeName(code: number): string {
  return Object.entries(GrpcStatus).find(([, v]) => v === code)?.[0] ?? 'UNKNOWN';
}
