import { constants, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SPDY3_DICTIONARY } from './dictionary.ts';
import { adler32, decodeHeaderPairs, encodeHeaderPairs, HeaderCompressor } from './header-block.ts';

describe('SPDY/3 header blocks', () => {
  it('uses the 1423-byte dictionary whose id Go spdystream peers check', () => {
    expect(SPDY3_DICTIONARY).toHaveLength(1423);
    expect(adler32(SPDY3_DICTIONARY).toString(16)).toBe('e3c6a7c2');
  });

  it('encodes name/value pairs with 32-bit lengths and lower-case names', () => {
    const raw = encodeHeaderPairs({ StreamType: 'error', port: '80' });
    expect(raw.readUInt32BE(0)).toBe(2);
    expect(decodeHeaderPairs(raw)).toEqual({ streamtype: 'error', port: '80' });
  });

  it('continues one zlib stream across blocks, which a standard inflater reads back', () => {
    const compressor = new HeaderCompressor();
    const first = compressor.compress({ streamtype: 'error' });
    const second = compressor.compress({ streamtype: 'stdout' });
    // Only the first block carries the zlib header (with the dictionary id).
    expect(first[0]).toBe(0x78);
    expect(first[1]! & 0x20).toBe(0x20); // FDICT
    expect((first[0]! * 256 + first[1]!) % 31).toBe(0);
    expect(first.readUInt32BE(2).toString(16)).toBe('e3c6a7c2');
    expect(second[0]).toBe(0);
    const inflated = inflateSync(Buffer.concat([first, second]), {
      dictionary: SPDY3_DICTIONARY,
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    const a = encodeHeaderPairs({ streamtype: 'error' });
    expect(decodeHeaderPairs(inflated.subarray(0, a.length))).toEqual({ streamtype: 'error' });
    expect(decodeHeaderPairs(inflated.subarray(a.length))).toEqual({ streamtype: 'stdout' });
  });
});
