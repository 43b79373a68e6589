// A shell on this computer for the UI's terminal, with KUBECONFIG set to the shown cluster's
// admin kubeconfig so `kubectl` talks to it at once: a WebSocket at /app/v1/local-shell
// (?cluster=NAME; none = this control plane) joined to a node-pty pseudo-terminal. Frames use the
// Kubernetes exec channel layout like node-shell.ts: 0 stdin, 1 stdout, 4 resize
// ({"Width","Height"}), 3 the final status. Only admins reach it: /app/ is authorized like any
// non-resource URL, and only the admin (session or kubeconfig) holds it.
import { homedir } from 'node:os';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

const sockets = new WebSocketServer({ noServer: true });

const frame = (channel: number, data: Buffer | string) =>
  Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]);

function status(ws: WebSocket, ok: boolean, message?: string): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(frame(3, JSON.stringify({ status: ok ? 'Success' : 'Failure', ...(message ? { message } : {}) })));
  ws.close(1000);
}

/** The user's login shell: $SHELL on Unix, PowerShell on Windows. */
export function defaultShell(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32') return 'powershell.exe';
  return env['SHELL'] || '/bin/sh';
}

export function openLocalShell(
  kubeconfig: string | undefined,
  req: IncomingMessage,
  upgrade: { socket: Duplex; head: Buffer },
): void {
  sockets.handleUpgrade(req, upgrade.socket, upgrade.head, (ws) => {
    // Frames that arrive while node-pty loads and the shell starts (the first keys, the
    // terminal's first resize) are kept and replayed, not dropped.
    const early: Buffer[] = [];
    let closedEarly = false;
    const keep = (raw: Buffer) => early.push(Buffer.from(raw));
    const noteClose = () => (closedEarly = true);
    ws.on('message', keep);
    ws.on('close', noteClose);
    void (async () => {
      let pty: typeof import('node-pty');
      try {
        // Loaded on first use: a build without the native module still serves everything else.
        pty = await import('node-pty');
      } catch (err) {
        return status(ws, false, `the local shell needs node-pty: ${(err as Error).message}`);
      }
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
      if (kubeconfig) env['KUBECONFIG'] = kubeconfig;
      env['TERM'] = 'xterm-256color';
      let shell: import('node-pty').IPty;
      try {
        shell = pty.spawn(defaultShell(), [], {
          name: 'xterm-256color',
          cols: 100,
          rows: 30,
          cwd: homedir(),
          env,
        });
      } catch (err) {
        return status(ws, false, `could not start ${defaultShell()}: ${(err as Error).message}`);
      }
      shell.onData((d) => ws.readyState === ws.OPEN && ws.send(frame(1, d)));
      shell.onExit(({ exitCode }) =>
        status(ws, exitCode === 0, exitCode ? `exit code ${exitCode}` : undefined),
      );
      const handle = (raw: Buffer) => {
        const data = Buffer.from(raw);
        if (data[0] === 0) shell.write(data.subarray(1).toString());
        else if (data[0] === 4) {
          try {
            const { Width, Height } = JSON.parse(data.subarray(1).toString()) as {
              Width: number;
              Height: number;
            };
            if (Width > 0 && Height > 0) shell.resize(Width, Height);
          } catch {
            // a bad resize frame changes nothing
          }
        }
      };
      ws.off('message', keep);
      ws.off('close', noteClose);
      if (closedEarly) return shell.kill();
      for (const data of early.splice(0)) handle(data);
      ws.on('message', handle);
      ws.on('close', () => shell.kill());
    })();
  });
}
