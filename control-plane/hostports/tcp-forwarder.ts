// One forwarded host port: listens on address:port and pipes each connection to one of the
// targets, taking them in turn (round robin) and moving on to the next when a connect fails,
// so a node that just went away costs a retry, not the user's request. The target list is
// swapped in place when nodes come and go; open connections keep their node.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Target {
  host: string;
  port: number;
}

/** How long a node gets to accept before the next one is tried. */
const CONNECT_TIMEOUT_MS = 3000;

export class TcpForwarder {
  private server: Server | undefined;
  private readonly open = new Set<Socket>();
  private next = 0;

  constructor(
    readonly address: string,
    readonly port: number,
    private targets: Target[],
  ) {}

  setTargets(targets: Target[]): void {
    this.targets = targets;
  }

  /** Rejects with the listen error (EADDRINUSE, EACCES) for the caller to report. */
  listen(): Promise<void> {
    const server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (client) =>
      this.accept(client),
    );
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.address, () => {
        server.off('error', reject);
        this.server = server;
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    for (const s of this.open) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: Socket): void {
    this.open.add(client);
    client.on('close', () => this.open.delete(client));
    client.on('error', () => client.destroy());
    const order = this.targets.map((_, i) => this.targets[(this.next + i) % this.targets.length]!);
    this.next = (this.next + 1) % Math.max(this.targets.length, 1);
    this.tryConnect(client, order);
  }

  private tryConnect(client: Socket, order: Target[]): void {
    const target = order.shift();
    if (!target || client.destroyed) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
    upstream.setTimeout(CONNECT_TIMEOUT_MS, () => upstream.destroy(new Error('connect timed out')));
    const onConnectError = () => this.tryConnect(client, order);
    upstream.once('error', onConnectError);
    upstream.once('connect', () => {
      upstream.setTimeout(0);
      upstream.off('error', onConnectError);
      this.open.add(upstream);
      upstream.on('close', () => this.open.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }
}
