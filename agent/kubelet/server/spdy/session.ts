// The client end of a SPDY/3.1 connection, as the kubelet needs it towards the runtime's
// stream server: open streams (odd ids) with headers, send data and FIN, receive the server's
// data per stream. The server is Go's spdystream (containerd, CRI-O), which keeps no flow
// control windows, so neither do we; it pings, and we answer.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import {
  FLAG_FIN,
  FrameReader,
  FrameType,
  MAX_DATA_FRAME,
  RST_CANCEL,
  dataFrame,
  goAwayFrame,
  rstStreamFrame,
  synStreamFrame,
  type Frame,
} from './frames.ts';
import { HeaderCompressor, type SpdyHeaders } from './header-block.ts';

export interface SpdyStreamEvents {
  data: [Buffer];
  /** The server half-closed (FIN) or reset the stream, or the connection ended. */
  end: [];
}

export class SpdyStream extends EventEmitter<SpdyStreamEvents> {
  private localClosed = false;
  remoteClosed = false;

  constructor(
    readonly id: number,
    readonly headers: SpdyHeaders,
    private readonly session: SpdyClientSession,
  ) {
    super();
  }

  write(data: Buffer): void {
    if (this.localClosed) return;
    for (let at = 0; at < data.length; at += MAX_DATA_FRAME) {
      this.session.send(dataFrame(this.id, data.subarray(at, at + MAX_DATA_FRAME)));
    }
  }

  /** Half-close: the server reads EOF (how stdin reaches the process's end). */
  end(): void {
    if (this.localClosed) return;
    this.localClosed = true;
    this.session.send(dataFrame(this.id, Buffer.alloc(0), FLAG_FIN));
  }

  reset(): void {
    this.localClosed = true;
    this.session.send(rstStreamFrame(this.id, RST_CANCEL));
    this.remoteEnd();
  }

  /** @internal */
  remoteEnd(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.emit('end');
  }
}

export interface SpdySessionEvents {
  close: [];
}

export class SpdyClientSession extends EventEmitter<SpdySessionEvents> {
  private nextStreamId = 1;
  private readonly streams = new Map<number, SpdyStream>();
  private readonly compressor = new HeaderCompressor();
  private readonly reader = new FrameReader();
  private closed = false;

  /** @param head bytes already read past the upgrade response. */
  constructor(
    private readonly socket: Duplex,
    head?: Buffer,
  ) {
    super();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.once('close', () => this.finish());
    socket.once('end', () => this.finish());
    socket.on('error', () => this.finish());
    if (head?.length) this.receive(head);
  }

  openStream(headers: SpdyHeaders): SpdyStream {
    const stream = new SpdyStream(this.nextStreamId, headers, this);
    this.nextStreamId += 2;
    this.streams.set(stream.id, stream);
    this.send(synStreamFrame(stream.id, this.compressor.compress(headers)));
    return stream;
  }

  /** GOAWAY, then end the connection once written. */
  close(): void {
    if (this.closed) return;
    this.send(goAwayFrame(0));
    this.socket.end();
    this.finish();
  }

  /** The connection itself, for flow control (pause reading it, wait for its drain). */
  get transport(): Duplex {
    return this.socket;
  }

  destroy(): void {
    this.socket.destroy();
    this.finish();
  }

  /** @internal */
  send(frame: Buffer): void {
    if (!this.closed && this.socket.writable) this.socket.write(frame);
  }

  private receive(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.reader.push(chunk);
    } catch {
      this.destroy();
      return;
    }
    for (const frame of frames) this.handle(frame);
  }

  private handle(frame: Frame): void {
    if (!frame.control) {
      const stream = this.streams.get(frame.streamId);
      if (!stream) return;
      if (frame.data.length) stream.emit('data', frame.data);
      if (frame.flags & FLAG_FIN) stream.remoteEnd();
      return;
    }
    switch (frame.type) {
      case FrameType.SYN_REPLY:
      case FrameType.HEADERS: {
        // The header block is not needed; FIN on a reply still ends the stream.
        const stream = this.streams.get(frame.payload.readUInt32BE(0) & 0x7fffffff);
        if (stream && frame.flags & FLAG_FIN) stream.remoteEnd();
        return;
      }
      case FrameType.RST_STREAM:
        this.streams.get(frame.payload.readUInt32BE(0) & 0x7fffffff)?.remoteEnd();
        return;
      case FrameType.PING:
        // Server pings carry even ids; ours would be odd. Echo theirs.
        if ((frame.payload.readUInt32BE(0) & 1) === 0) {
          const head = Buffer.from([0x80, 0x03, 0x00, FrameType.PING, 0, 0, 0, 4]);
          this.send(Buffer.concat([head, frame.payload]));
        }
        return;
      case FrameType.SYN_STREAM:
        // A server-initiated stream: nothing in exec/attach/port-forward opens one. Refuse it.
        this.send(rstStreamFrame(frame.payload.readUInt32BE(0) & 0x7fffffff, 3));
        return;
      default:
        // SETTINGS, WINDOW_UPDATE, GOAWAY: nothing to do; the server closes the connection.
        return;
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    for (const stream of this.streams.values()) stream.remoteEnd();
    this.streams.clear();
    this.emit('close');
  }
}
