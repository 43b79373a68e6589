// The local shell over a real WebSocket and a real pty: what the terminal sends in its first
// moments (keys, its first resize) arrives even though node-pty is still loading then.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { openLocalShell } from './local-shell.ts';

let server: Server | undefined;
let client: WebSocket | undefined;
afterEach(() => {
  client?.terminate();
  return new Promise<void>((done) => (server ? server.close(() => done()) : done()));
});

function listen(): Promise<number> {
  server = createServer();
  server.on('upgrade', (req, socket, head) => openLocalShell(undefined, req, { socket, head }));
  return new Promise((resolve) =>
    server!.listen(0, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port)),
  );
}

const frame = (channel: number, text: string) => Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);

describe('local shell', () => {
  it('keeps the keys and the resize sent right after the socket opens', async () => {
    const port = await listen();
    const ws = (client = new WebSocket(`ws://127.0.0.1:${port}/app/v1/local-shell`, ['v5.channel.k8s.io']));
    let output = '';
    const exited = new Promise<string>((resolve) => {
      ws.on('message', (raw: Buffer) => {
        if (raw[0] === 1) output += raw.subarray(1).toString();
        if (raw[0] === 3) resolve(raw.subarray(1).toString());
      });
    });
    ws.on('open', () => {
      ws.send(frame(4, JSON.stringify({ Width: 123, Height: 45 })));
      ws.send(frame(0, 'echo early-$((6*7)); stty size; exit 3\n'));
    });
    const status = await Promise.race([
      exited,
      new Promise<string>((_, reject) =>
        setTimeout(() => reject(new Error(`no exit status; output so far: ${output}`)), 15_000),
      ),
    ]);
    expect(output).toContain('early-42');
    expect(output).toContain('45 123');
    expect(JSON.parse(status)).toMatchObject({ status: 'Failure', message: 'exit code 3' });
    ws.close();
  }, 30_000);
});
