// SPDY/3 name/value header blocks. Every block a side sends continues one zlib stream that
// starts with the dictionary (see dictionary.ts). We only ever send a handful of tiny blocks
// (one per stream we open), so each one goes out as an uncompressed ("stored") deflate block,
// ended like a zlib sync flush: byte-aligned, valid for any inflater, and no async zlib needed.
import { SPDY3_DICTIONARY } from './dictionary.ts';

/** name -> value; several values of one name are joined by NUL, as SPDY/3 specifies. */
export type SpdyHeaders = Record<string, string>;

export function encodeHeaderPairs(headers: SpdyHeaders): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderPairs(block: Buffer): SpdyHeaders {
  const headers: SpdyHeaders = {};
  let at = 4;
  const count = block.readUInt32BE(0);
  for (let i = 0; i < count; i++) {
    const nlen = block.readUInt32BE(at);
    const name = block.toString('utf8', at + 4, at + 4 + nlen);
    at += 4 + nlen;
    const vlen = block.readUInt32BE(at);
    headers[name] = block.toString('utf8', at + 4, at + 4 + vlen);
    at += 4 + vlen;
  }
  return headers;
}

/** Adler-32, for the zlib header's dictionary id. */
export function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** The compressing half of one direction of a SPDY connection. */
export class HeaderCompressor {
  private started = false;

  compress(headers: SpdyHeaders): Buffer {
    const raw = encodeHeaderPairs(headers);
    if (raw.length > 0xffff) throw new Error('SPDY header block too large');
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      // CMF 0x78 (deflate, 32K window); FLG with FDICT so that (CMF<<8 | FLG) % 31 == 0.
      const cmf = 0x78;
      let flg = 0x20;
      flg += 31 - (((cmf << 8) | flg) % 31);
      parts.push(Buffer.from([cmf, flg]), u32(adler32(SPDY3_DICTIONARY)));
    }
    // A non-final stored block: 3 header bits (BFINAL 0, BTYPE 00) padded to a byte, LEN, NLEN.
    const stored = Buffer.alloc(5);
    stored[0] = 0;
    stored.writeUInt16LE(raw.length, 1);
    stored.writeUInt16LE(~raw.length & 0xffff, 3);
    // Then an empty stored block, as a zlib sync flush ends: Go's inflater hands out what it
    // has only when it meets one (or runs out of input, which it takes for an error).
    parts.push(stored, raw, SYNC_FLUSH_MARKER);
    return Buffer.concat(parts);
  }
}

const SYNC_FLUSH_MARKER = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}
