// A shell on a cluster's node for the UI's terminal: a WebSocket at
// /app/v1/clusters/NAME/nodes/NODE/shell joined to an SSH pty on the node (ssh2, the cluster's
// key, the node's host key pinned: any other key is refused before logging in). Frames use the
// Kubernetes exec channel layout so the renderer's terminal speaks one protocol: 0 stdin,
// 1 stdout, 2 stderr, 4 resize ({"Width","Height"}), 3 the final status.
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ProvisionedNode } from '../provision/provider.ts';
import { publicKeyBlob } from '../provision/netns/keys.ts';

const sockets = new WebSocketServer({ noServer: true });

const frame = (channel: number, data: Buffer | string) =>
  Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]);

function status(ws: WebSocket, ok: boolean, message?: string): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(frame(3, JSON.stringify({ status: ok ? 'Success' : 'Failure', ...(message ? { message } : {}) })));
  ws.close(1000);
}

export function openNodeShell(
  node: ProvisionedNode,
  privateKeyPath: string,
  req: IncomingMessage,
  upgrade: { socket: Duplex; head: Buffer },
): void {
  sockets.handleUpgrade(req, upgrade.socket, upgrade.head, (ws) => {
    const client = new ssh2.Client();
    const pinned = publicKeyBlob(node.hostKey);
    let size = { cols: 100, rows: 30 };
    let stream: ssh2.ClientChannel | undefined;
    ws.on('message', (raw: Buffer) => {
      const data = Buffer.from(raw);
      if (data[0] === 0) stream?.write(data.subarray(1));
      else if (data[0] === 4) {
        try {
          const { Width, Height } = JSON.parse(data.subarray(1).toString()) as {
            Width: number;
            Height: number;
          };
          size = { cols: Width, rows: Height };
          stream?.setWindow(Height, Width, 0, 0);
        } catch {
          // a bad resize frame changes nothing
        }
      }
    });
    ws.on('close', () => client.end());
    client.once('ready', () => {
      client.shell({ term: 'xterm-256color', cols: size.cols, rows: size.rows }, (err, channel) => {
        if (err) return status(ws, false, err.message);
        stream = channel;
        channel.on('data', (d: Buffer) => ws.readyState === ws.OPEN && ws.send(frame(1, d)));
        channel.stderr.on('data', (d: Buffer) => ws.readyState === ws.OPEN && ws.send(frame(2, d)));
        channel.on('close', () => {
          status(ws, true);
          client.end();
        });
      });
    });
    client.once('error', (err) => status(ws, false, `SSH to ${node.name} (${node.address}): ${err.message}`));
    client.connect({
      host: node.address,
      port: node.sshPort,
      username: node.sshUser,
      privateKey: readFileSync(privateKeyPath, 'utf8'),
      readyTimeout: 30_000,
      hostVerifier: (key: Buffer) => key.equals(pinned),
    });
  });
}
