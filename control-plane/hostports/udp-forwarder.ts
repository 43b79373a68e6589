// One forwarded UDP host port: datagrams to address:port go to a node, and the node's answers
// come back to the client that sent them. Each client (address:port) gets its own socket towards
// one node, picked in turn when the client first shows up (so its "session" stays on one node,
// as conntrack would keep it), and closed after `idleMs` without traffic.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Target } from './tcp-forwarder.ts';

/** Like conntrack's UDP timeout for streams (nf_conntrack_udp_timeout_stream: 120 s). */
const DEFAULT_IDLE_MS = 120_000;

interface Session {
  socket: Socket;
  timer: NodeJS.Timeout;
}

export class UdpForwarder {
  private socket: Socket | undefined;
  private readonly sessions = new Map<string, Session>();
  private next = 0;

  constructor(
    readonly address: string,
    readonly port: number,
    private targets: Target[],
    private readonly idleMs = DEFAULT_IDLE_MS,
  ) {}

  setTargets(targets: Target[]): void {
    this.targets = targets;
  }

  /** Rejects with the bind error (EADDRINUSE, EACCES) for the caller to report. */
  listen(): Promise<void> {
    const socket = createSocket(isIPv6(this.address) ? 'udp6' : 'udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.port, this.address, () => {
        socket.off('error', reject);
        socket.on('error', () => {});
        socket.on('message', (msg, from) => this.relay(msg, from));
        this.socket = socket;
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    for (const s of this.sessions.values()) {
      clearTimeout(s.timer);
      s.socket.close();
    }
    this.sessions.clear();
    await new Promise<void>((resolve) => (this.socket ? this.socket.close(() => resolve()) : resolve()));
  }

  private relay(msg: Buffer, from: RemoteInfo): void {
    const key = `${from.address}:${from.port}`;
    let session = this.sessions.get(key);
    if (!session) {
      if (this.targets.length === 0) return;
      const target = this.targets[this.next++ % this.targets.length]!;
      const upstream = createSocket(isIPv6(target.host) ? 'udp6' : 'udp4');
      upstream.on('error', () => this.end(key));
      upstream.on('message', (reply) => {
        this.touch(key);
        this.socket?.send(reply, from.port, from.address);
      });
      upstream.connect(target.port, target.host);
      session = { socket: upstream, timer: setTimeout(() => this.end(key), this.idleMs) };
      this.sessions.set(key, session);
      const s = session;
      upstream.once('connect', () => s.socket.send(msg));
      return;
    }
    this.touch(key);
    try {
      session.socket.send(msg);
    } catch {
      // Not connected yet: the datagram is dropped, as UDP may.
    }
  }

  private touch(key: string): void {
    const s = this.sessions.get(key);
    if (s) s.timer.refresh();
  }

  private end(key: string): void {
    const s = this.sessions.get(key);
    if (!s) return;
    clearTimeout(s.timer);
    s.socket.close();
    this.sessions.delete(key);
  }
}
