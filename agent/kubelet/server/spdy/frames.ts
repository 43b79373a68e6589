// SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00 plus 3.1's session flow control): the frames
// the client side of a CRI streaming connection sends, and a reader that splits the bytes the
// server sends into frames. Control frames: 1 bit set, version 3, type, 8-bit flags, 24-bit length.
export const SPDY_VERSION = 3;

export const FrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;

/** RST_STREAM status codes we send. */
export const RST_CANCEL = 5;

export type Frame =
  | { control: true; type: number; flags: number; payload: Buffer }
  | { control: false; streamId: number; flags: number; data: Buffer };

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(payload.length, 4);
  head[4] = flags;
  return Buffer.concat([head, payload]);
}

/** SYN_STREAM with an already compressed header block. */
export function synStreamFrame(streamId: number, headerBlock: Buffer, flags = 0): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt32BE(streamId & 0x7fffffff, 0);
  fixed.writeUInt32BE(0, 4); // associated stream
  fixed[8] = 0; // priority 0 (highest), unused bits
  fixed[9] = 0; // slot
  return controlFrame(FrameType.SYN_STREAM, flags, Buffer.concat([fixed, headerBlock]));
}

export function dataFrame(streamId: number, data: Buffer, flags = 0): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE(data.length, 4);
  head[4] = flags;
  return Buffer.concat([head, data]);
}

export function rstStreamFrame(streamId: number, status: number): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(streamId & 0x7fffffff, 0);
  p.writeUInt32BE(status, 4);
  return controlFrame(FrameType.RST_STREAM, 0, p);
}

export function pingFrame(id: number): Buffer {
  const p = Buffer.alloc(4);
  p.writeUInt32BE(id >>> 0, 0);
  return controlFrame(FrameType.PING, 0, p);
}

export function goAwayFrame(lastGoodStreamId: number, status = 0): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(lastGoodStreamId & 0x7fffffff, 0);
  p.writeUInt32BE(status, 4);
  return controlFrame(FrameType.GOAWAY, 0, p);
}

export function windowUpdateFrame(streamId: number, delta: number): Buffer {
  const p = Buffer.alloc(8);
  p.writeUInt32BE(streamId & 0x7fffffff, 0);
  p.writeUInt32BE(delta & 0x7fffffff, 4);
  return controlFrame(FrameType.WINDOW_UPDATE, 0, p);
}

/** The largest DATA frame we send (the 24-bit length allows more; peers buffer less). */
export const MAX_DATA_FRAME = 32 * 1024;

/** Accumulates bytes and yields whole frames. */
export class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const frames: Frame[] = [];
    while (this.buffered.length >= 8) {
      const length = this.buffered.readUInt32BE(4) & 0xffffff;
      if (this.buffered.length < 8 + length) break;
      const flags = this.buffered[4]!;
      const body = this.buffered.subarray(8, 8 + length);
      if (this.buffered[0]! & 0x80) {
        frames.push({ control: true, type: this.buffered.readUInt16BE(2), flags, payload: body });
      } else {
        frames.push({
          control: false,
          streamId: this.buffered.readUInt32BE(0) & 0x7fffffff,
          flags,
          data: body,
        });
      }
      this.buffered = this.buffered.subarray(8 + length);
    }
    return frames;
  }
}
