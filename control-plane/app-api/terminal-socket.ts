// The server side of the UI's terminal WebSockets (local shell, node shell), in the Kubernetes
// exec channel layout the renderer speaks: 0 stdin, 1 stdout, 2 stderr, 3 the final status,
// 4 resize ({"Width","Height"}). A shell takes a moment to start (node-pty loading, an SSH
// login): keys typed meanwhile are kept and handed over when it is attached, and the latest
// size asked for is what it should start with.
import type { WebSocket } from 'ws';

export interface TerminalBackend {
  write(input: Buffer): void;
  resize(cols: number, rows: number): void;
}

export class TerminalSocket {
  /** The size the terminal last asked for (the default until it does). */
  size = { cols: 100, rows: 30 };
  private backend: TerminalBackend | undefined;
  private early: Buffer[] = [];

  constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw: Buffer) => this.receive(Buffer.from(raw)));
  }

  /** True once the browser side has gone. */
  get closed(): boolean {
    return this.ws.readyState !== this.ws.OPEN;
  }

  attach(backend: TerminalBackend): void {
    this.backend = backend;
    for (const input of this.early.splice(0)) backend.write(input);
  }

  send(channel: 1 | 2, data: Buffer | string): void {
    if (!this.closed) this.ws.send(frame(channel, data));
  }

  /** Sends the final status and closes. */
  finish(ok: boolean, message?: string): void {
    if (this.closed) return;
    this.ws.send(
      frame(3, JSON.stringify({ status: ok ? 'Success' : 'Failure', ...(message ? { message } : {}) })),
    );
    this.ws.close(1000);
  }

  private receive(data: Buffer): void {
    if (data[0] === 0) {
      const input = data.subarray(1);
      if (this.backend) this.backend.write(input);
      else this.early.push(input);
    } else if (data[0] === 4) {
      try {
        const { Width, Height } = JSON.parse(data.subarray(1).toString()) as {
          Width: number;
          Height: number;
        };
        if (!(Width > 0 && Height > 0)) return;
        this.size = { cols: Width, rows: Height };
        this.backend?.resize(Width, Height);
      } catch {
        // a bad resize frame changes nothing
      }
    }
  }
}

const frame = (channel: number, data: Buffer | string) =>
  Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]);
