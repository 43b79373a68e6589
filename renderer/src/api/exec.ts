// `kubectl exec` from the browser: a WebSocket to pods/exec speaking the Kubernetes channel
// protocol (v5.channel.k8s.io, v4 as fallback). Every binary frame starts with its channel:
// 0 stdin, 1 stdout, 2 stderr, 3 the final Status, 4 terminal size, 255 close (v5).
import { kubernetesUrl } from './current-cluster.ts';
import { openTerminalTransport } from './terminal-transport.ts';

export interface ExecOptions {
  namespace: string;
  pod: string;
  container?: string;
  command: string[];
  tty: boolean;
}

export interface ExecSession {
  send(data: string | Uint8Array): void;
  resize(cols: number, rows: number): void;
  close(): void;
}

export interface ExecHandlers {
  /** The WebSocket is open: the session is live. */
  onOpen?(): void;
  onOutput(data: Uint8Array): void;
  /** The process ended (status from channel 3) or the connection closed. */
  onExit(message: string): void;
}

export function execPath(o: ExecOptions): string {
  const q = new URLSearchParams({
    stdin: 'true',
    stdout: 'true',
    stderr: String(!o.tty),
    tty: String(o.tty),
  });
  if (o.container) q.set('container', o.container);
  for (const c of o.command) q.append('command', c);
  return `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/pods/${encodeURIComponent(o.pod)}/exec?${q}`;
}

/** The URL of `kubectl exec` on the current cluster. */
export const execUrl = (o: ExecOptions) => kubernetesUrl(execPath(o));

/**
 * Opens a terminal WebSocket: pods/exec, or a node shell from the app API (which speaks the
 * same channel layout). In the desktop app main relays it (terminal-transport.ts).
 */
export function openTerminalSocket(path: string, h: ExecHandlers): ExecSession {
  const encoder = new TextEncoder();
  let status = '';
  const frame = (channel: number, data: Uint8Array) => {
    const out = new Uint8Array(data.length + 1);
    out[0] = channel;
    out.set(data, 1);
    return out;
  };
  const transport = openTerminalTransport(path, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], {
    onOpen: () => h.onOpen?.(),
    onFrame: (bytes) => {
      if (bytes.length === 0) return;
      const body = bytes.subarray(1);
      if (bytes[0] === 1 || bytes[0] === 2) h.onOutput(body);
      else if (bytes[0] === 3) {
        const s = JSON.parse(new TextDecoder().decode(body)) as { status?: string; message?: string };
        status = s.status === 'Success' ? 'exited' : (s.message ?? 'failed');
      }
    },
    // The relay can say why a connection failed (a browser WebSocket cannot): show it.
    onClose: (code, reason) =>
      h.onExit(
        status || (code === 1000 ? 'exited' : `connection closed (${code})${reason ? `: ${reason}` : ''}`),
      ),
  });
  return {
    send: (data) => transport.send(frame(0, typeof data === 'string' ? encoder.encode(data) : data)),
    resize: (cols, rows) =>
      transport.send(frame(4, encoder.encode(JSON.stringify({ Width: cols, Height: rows })))),
    close: () => transport.close(),
  };
}
