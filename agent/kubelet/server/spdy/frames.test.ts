import { describe, expect, it } from 'vitest';
import {
  dataFrame,
  FLAG_FIN,
  FrameReader,
  FrameType,
  pingFrame,
  rstStreamFrame,
  synStreamFrame,
} from './frames.ts';

describe('SPDY/3.1 frames', () => {
  it('writes control frames with version 3, type, flags and length', () => {
    const syn = synStreamFrame(3, Buffer.from('hdrs'));
    expect(syn.readUInt16BE(0)).toBe(0x8003);
    expect(syn.readUInt16BE(2)).toBe(FrameType.SYN_STREAM);
    expect(syn.readUInt32BE(4) & 0xffffff).toBe(10 + 4);
    expect(syn.readUInt32BE(8)).toBe(3);
    expect(rstStreamFrame(5, 5).subarray(8)).toEqual(Buffer.from([0, 0, 0, 5, 0, 0, 0, 5]));
  });

  it('reads frames split anywhere across chunks', () => {
    const bytes = Buffer.concat([
      dataFrame(1, Buffer.from('hello')),
      pingFrame(2),
      dataFrame(3, Buffer.alloc(0), FLAG_FIN),
    ]);
    const reader = new FrameReader();
    const frames = [...bytes].flatMap((b) => reader.push(Buffer.from([b])));
    expect(frames).toEqual([
      { control: false, streamId: 1, flags: 0, data: Buffer.from('hello') },
      { control: true, type: FrameType.PING, flags: 0, payload: Buffer.from([0, 0, 0, 2]) },
      { control: false, streamId: 3, flags: FLAG_FIN, data: Buffer.alloc(0) },
    ]);
  });
});
