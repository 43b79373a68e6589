// exec and attach. The runtime's stream server speaks SPDY/3.1 (remotecommand v4); kubectl
// 1.32 speaks WebSockets v5.channel.k8s.io first. We translate here, in the kubelet, so that
// the API server only relays bytes: each v5 message is one channel byte plus data (0 stdin,
// 1 stdout, 2 stderr, 3 error, 4 resize; 255 closes the channel named by the next byte), and
// each channel is one SPDY stream. Closing stdin becomes a FIN on the stdin stream, which is
// how `kubectl cp` into a pod ends tar's input. SPDY clients are passed through unchanged.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CriClient, StreamOptions } from '../cri/index.ts';
import { sendPaced } from './backpressure.ts';
import { SpdyClientSession, type SpdyStream } from './spdy/session.ts';
import { dialRuntime } from './runtime-dial.ts';
import { runningContainer } from './runtime-pod.ts';
import { KubeletError } from './status.ts';
import { headerList, isWebSocket, passThroughSpdy } from './upgrade.ts';

export const V5_PROTOCOL = 'v5.channel.k8s.io';
const V4_PROTOCOL = 'v4.channel.k8s.io';

export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export interface RemoteCommandTarget {
  kind: 'exec' | 'attach';
  namespace: string;
  pod: string;
  container: string;
}

const truthy = (v: string | null) => v === 'true' || v === '1';

export function streamOptions(query: URLSearchParams): Required<StreamOptions> {
  const tty = truthy(query.get('tty'));
  return {
    stdin: truthy(query.get('stdin')),
    stdout: truthy(query.get('stdout')),
    // With a TTY the terminal carries both: the runtime refuses stderr alongside it.
    stderr: truthy(query.get('stderr')) && !tty,
    tty,
  };
}

const websockets = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  handleProtocols: () => V5_PROTOCOL,
});

export async function serveRemoteCommand(
  cri: CriClient,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: RemoteCommandTarget,
  query: URLSearchParams,
): Promise<void> {
  const ws = isWebSocket(req);
  if (ws && !headerList(req, 'Sec-WebSocket-Protocol').includes(V5_PROTOCOL)) {
    // Older channel protocols cannot close stdin; clients that only know those use SPDY.
    throw new KubeletError(400, `websocket exec needs the ${V5_PROTOCOL} sub-protocol`);
  }
  const streams = streamOptions(query);
  if (!streams.stdin && !streams.stdout && !streams.stderr) {
    throw new KubeletError(400, 'you must specify at least 1 of stdin, stdout, stderr');
  }
  const container = await runningContainer(cri, target.namespace, target.pod, target.container);
  let url: string;
  if (target.kind === 'exec') {
    const command = query.getAll('command');
    if (command.length === 0) throw new KubeletError(400, 'you must specify a command');
    url = await cri.exec(container.id, command, streams);
  } else {
    url = await cri.attach(container.id, streams);
  }
  if (!ws) return passThroughSpdy(req, socket, head, url);

  const runtime = await dialRuntime(url, [V4_PROTOCOL]);
  const session = new SpdyClientSession(runtime.socket, runtime.head);
  websockets.handleUpgrade(req, socket, head, (client) => bridge(client, session, streams));
}

function bridge(client: WebSocket, session: SpdyClientSession, opts: Required<StreamOptions>): void {
  const open = (type: string) => session.openStream({ streamtype: type });
  // The stream server waits for exactly these streams; error goes first, as client-go does it.
  const error = open('error');
  const stdin = opts.stdin ? open('stdin') : undefined;
  const stdout = opts.stdout ? open('stdout') : undefined;
  const stderr = opts.stderr ? open('stderr') : undefined;
  const resize = opts.tty ? open('resize') : undefined;

  const forward = (stream: SpdyStream | undefined, channel: number) =>
    stream?.on('data', (data) =>
      sendPaced(client, Buffer.concat([Buffer.from([channel]), data]), session.transport),
    );
  forward(stdout, Channel.stdout);
  forward(stderr, Channel.stderr);
  forward(error, Channel.error);

  client.on('message', (message: Buffer, isBinary) => {
    if (!isBinary || message.length === 0) return;
    const data = message.subarray(1);
    switch (message[0]) {
      case Channel.stdin:
        stdin?.write(data);
        // A runtime slower than the client: stop reading the client until it drains.
        if (session.transport.writableNeedDrain && !client.isPaused) {
          client.pause();
          session.transport.once('drain', () => client.resume());
        }
        break;
      case Channel.resize:
        resize?.write(data);
        break;
      case Channel.close:
        if (data[0] === Channel.stdin) stdin?.end();
        break;
    }
  });
  // The runtime ends the connection once the process has exited and its status is written.
  session.once('close', () => client.close(1000));
  client.once('close', () => session.destroy());
  client.on('error', () => session.destroy());
}
