// The client session against a peer that speaks raw SPDY frames over a real socket pair.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { constants, inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { SPDY3_DICTIONARY } from './dictionary.ts';
import { dataFrame, FLAG_FIN, FrameReader, FrameType, pingFrame, type Frame } from './frames.ts';
import { decodeHeaderPairs } from './header-block.ts';
import { SpdyClientSession } from './session.ts';

function synReply(streamId: number): Buffer {
  const head = Buffer.from([0x80, 0x03, 0x00, FrameType.SYN_REPLY, 0, 0, 0, 4]);
  const id = Buffer.alloc(4);
  id.writeUInt32BE(streamId);
  return Buffer.concat([head, id]);
}

describe('SPDY client session', () => {
  let server: Server;
  afterEach(() => server?.close());

  async function pair(): Promise<{
    client: Socket;
    peer: Socket;
    frames: Frame[];
    next: () => Promise<Frame>;
  }> {
    const peerReady = new Promise<Socket>((resolve) => {
      server = createServer(resolve);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = connect((server.address() as { port: number }).port, '127.0.0.1');
    const peer = await peerReady;
    const frames: Frame[] = [];
    const reader = new FrameReader();
    let wake: (() => void) | undefined;
    peer.on('data', (chunk: Buffer) => {
      frames.push(...reader.push(chunk));
      wake?.();
    });
    let taken = 0;
    const next = async () => {
      while (frames.length <= taken) await new Promise<void>((resolve) => (wake = resolve));
      return frames[taken++]!;
    };
    return { client, peer, frames, next };
  }

  it('opens streams with compressed headers, routes data and FIN, answers pings', async () => {
    const { client, peer, next } = await pair();
    const session = new SpdyClientSession(client);
    const error = session.openStream({ streamtype: 'error' });
    const stdout = session.openStream({ streamtype: 'stdout' });
    expect([error.id, stdout.id]).toEqual([1, 3]);

    const blocks: Buffer[] = [];
    for (let i = 0; i < 2; i++) {
      const syn = await next();
      expect(syn).toMatchObject({ control: true, type: FrameType.SYN_STREAM });
      if (syn.control) blocks.push(syn.payload.subarray(10));
    }
    const raw = inflateSync(Buffer.concat(blocks), {
      dictionary: SPDY3_DICTIONARY,
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    const first = decodeHeaderPairs(raw);
    expect(first).toEqual({ streamtype: 'error' });

    let out = '';
    stdout.on('data', (d) => (out += String(d)));
    const ended = new Promise<void>((resolve) => stdout.once('end', resolve));
    peer.write(
      Buffer.concat([
        synReply(1),
        synReply(3),
        dataFrame(3, Buffer.from('hi')),
        dataFrame(3, Buffer.alloc(0), FLAG_FIN),
      ]),
    );
    await ended;
    expect(out).toBe('hi');

    peer.write(pingFrame(2));
    expect(await next()).toMatchObject({
      control: true,
      type: FrameType.PING,
      payload: Buffer.from([0, 0, 0, 2]),
    });

    error.write(Buffer.from('x'));
    error.end();
    expect(await next()).toMatchObject({ control: false, streamId: 1, flags: 0, data: Buffer.from('x') });
    expect(await next()).toMatchObject({ control: false, streamId: 1, flags: FLAG_FIN });

    const closed = new Promise<void>((resolve) => session.once('close', resolve));
    peer.end();
    await closed;
    session.destroy();
  });
});
