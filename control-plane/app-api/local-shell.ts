// A shell on this computer for the UI's terminal, with KUBECONFIG set to the shown cluster's
// admin kubeconfig so `kubectl` talks to it at once: a WebSocket at /app/v1/local-shell
// (?cluster=NAME; none = this control plane) joined to a node-pty pseudo-terminal, framed by
// terminal-socket.ts. Only admins reach it: /app/ is authorized like any non-resource URL, and
// only the admin (session or kubeconfig) holds it.
import { homedir } from 'node:os';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { TerminalSocket } from './terminal-socket.ts';

const sockets = new WebSocketServer({ noServer: true });

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
    const terminal = new TerminalSocket(ws);
    void (async () => {
      let pty: typeof import('node-pty');
      try {
        // Loaded on first use: a build without the native module still serves everything else.
        pty = await import('node-pty');
      } catch (err) {
        return terminal.finish(false, `the local shell needs node-pty: ${(err as Error).message}`);
      }
      if (terminal.closed) return;
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
      if (kubeconfig) env['KUBECONFIG'] = kubeconfig;
      env['TERM'] = 'xterm-256color';
      let shell: import('node-pty').IPty;
      try {
        shell = pty.spawn(defaultShell(), [], {
          name: 'xterm-256color',
          cols: terminal.size.cols,
          rows: terminal.size.rows,
          cwd: homedir(),
          env,
        });
      } catch (err) {
        return terminal.finish(false, `could not start ${defaultShell()}: ${(err as Error).message}`);
      }
      shell.onData((d) => terminal.send(1, d));
      shell.onExit(({ exitCode }) =>
        terminal.finish(exitCode === 0, exitCode ? `exit code ${exitCode}` : undefined),
      );
      terminal.attach({
        write: (input) => shell.write(input.toString()),
        resize: (cols, rows) => shell.resize(cols, rows),
      });
      ws.on('close', () => shell.kill());
    })();
  });
}
