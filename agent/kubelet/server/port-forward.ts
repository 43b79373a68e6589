// portForward. kubectl 1.32 tunnels SPDY through a WebSocket (sub-protocol
// "SPDY/3.1+portforward.k8s.io": every binary message is raw SPDY bytes), falling back to
// plain SPDY. The runtime's stream server speaks SPDY port-forwarding itself, so the kubelet
// only unwraps the WebSocket and relays bytes: the SPDY session is kubectl's with the runtime.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { CriClient } from '../cri/index.ts';
import { sendPaced, writePaced } from './backpressure.ts';
import { dialRuntime } from './runtime-dial.ts';
import { podSandbox } from './runtime-pod.ts';
import { KubeletError } from './status.ts';
import { headerList, isWebSocket, passThroughSpdy } from './upgrade.ts';

export const TUNNELING_PREFIX = 'SPDY/3.1+';
const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

export async function servePortForward(
  cri: CriClient,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: { namespace: string; pod: string },
  query: URLSearchParams,
): Promise<void> {
  const sandbox = await podSandbox(cri, target.namespace, target.pod);
  if (sandbox.state !== 'SANDBOX_READY') throw new KubeletError(400, `pod "${target.pod}" is not running`);
  const ports = query
    .getAll('ports')
    .flatMap((p) => p.split(','))
    .map(Number)
    .filter((p) => p > 0);
  const url = await cri.portForward(sandbox.id, ports);
  if (!isWebSocket(req)) return passThroughSpdy(req, socket, head, url);

  const offered = headerList(req, 'Sec-WebSocket-Protocol');
  const tunneled = offered
    .filter((p) => p.startsWith(TUNNELING_PREFIX))
    .map((p) => p.slice(TUNNELING_PREFIX.length));
  if (!tunneled.includes(PORT_FORWARD_PROTOCOL)) {
    throw new KubeletError(
      400,
      `websocket port-forward needs the ${TUNNELING_PREFIX}${PORT_FORWARD_PROTOCOL} sub-protocol`,
    );
  }
  const runtime = await dialRuntime(url, [PORT_FORWARD_PROTOCOL]);
  const protocol = TUNNELING_PREFIX + PORT_FORWARD_PROTOCOL;
  const server = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: () => protocol,
  });
  server.handleUpgrade(req, socket, head, (client) => {
    if (runtime.head.length) client.send(runtime.head);
    runtime.socket.on('data', (chunk: Buffer) => sendPaced(client, chunk, runtime.socket));
    client.on('message', (data: Buffer) => writePaced(runtime.socket, data, client));
    runtime.socket.once('close', () => client.close(1000));
    runtime.socket.on('error', () => client.terminate());
    client.once('close', () => runtime.socket.destroy());
    client.on('error', () => runtime.socket.destroy());
  });
}
