// Flow control between a WebSocket and a socket, so a slow side makes the fast one wait
// instead of buffering without bound (kubectl cp of a large file, port-forward downloads).
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** Bytes queued towards the WebSocket client before the source is paused. */
const HIGH_WATER = 1 << 20;

/** Sends to the client; pauses `source` while the client's queue is long. */
export function sendPaced(client: WebSocket, data: Buffer, source: Duplex): void {
  if (client.readyState !== client.OPEN) return;
  client.send(data, () => {
    if (source.isPaused() && client.bufferedAmount < HIGH_WATER) source.resume();
  });
  if (client.bufferedAmount >= HIGH_WATER) source.pause();
}

/** Writes to `sink`; pauses reading the client until the sink drains. */
export function writePaced(sink: Duplex, data: Buffer, client: WebSocket): void {
  if (sink.write(data)) return;
  if (client.isPaused) return;
  client.pause();
  sink.once('drain', () => client.resume());
}
