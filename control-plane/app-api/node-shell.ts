// A shell on a cluster's node for the UI's terminal: a WebSocket at
// /app/v1/clusters/NAME/nodes/NODE/shell joined to an SSH pty on the node (ssh2, the cluster's
// key, the node's host key pinned: any other key is refused before logging in), framed by
// terminal-socket.ts like the local shell, so the renderer's terminal speaks one protocol.
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import { WebSocketServer } from 'ws';
import type { ProvisionedNode } from '../provision/provider.ts';
import { publicKeyBlob } from '../provision/netns/keys.ts';
import { TerminalSocket } from './terminal-socket.ts';

const sockets = new WebSocketServer({ noServer: true });

export function openNodeShell(
  node: ProvisionedNode,
  privateKeyPath: string,
  req: IncomingMessage,
  upgrade: { socket: Duplex; head: Buffer },
): void {
  sockets.handleUpgrade(req, upgrade.socket, upgrade.head, (ws) => {
    const terminal = new TerminalSocket(ws);
    const client = new ssh2.Client();
    const pinned = publicKeyBlob(node.hostKey);
    ws.on('close', () => client.end());
    client.once('ready', () => {
      const { cols, rows } = terminal.size;
      client.shell({ term: 'xterm-256color', cols, rows }, (err, channel) => {
        if (err) return terminal.finish(false, err.message);
        channel.on('data', (d: Buffer) => terminal.send(1, d));
        channel.stderr.on('data', (d: Buffer) => terminal.send(2, d));
        channel.on('close', () => {
          terminal.finish(true);
          client.end();
        });
        terminal.attach({
          write: (input) => channel.write(input),
          resize: (width, height) => channel.setWindow(height, width, 0, 0),
        });
      });
    });
    client.once('error', (err) =>
      terminal.finish(false, `SSH to ${node.name} (${node.address}): ${err.message}`),
    );
    try {
      client.connect({
        host: node.address,
        port: node.sshPort,
        username: node.sshUser,
        privateKey: readFileSync(privateKeyPath, 'utf8'),
        readyTimeout: 30_000,
        hostVerifier: (key: Buffer) => key.equals(pinned),
      });
    } catch (err) {
      // An unreadable key file throws here, not through 'error': end this terminal, not the app.
      terminal.finish(false, `SSH to ${node.name} (${node.address}): ${(err as Error).message}`);
    }
  });
}
