// Names outside the cluster go to the node's own resolvers (CoreDNS's `forward . /etc/resolv.conf`).
// The query bytes are passed on untouched, so the answer carries the client's id and EDNS
// size; each query gets its own socket, which keeps concurrent ids from colliding. Upstreams are
// tried in order; a silent or unreachable one costs `timeoutMs` before the next is asked.
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { connect } from 'node:net';
import { parseResolvConf } from '../kubelet/dns.ts';

export interface Upstream {
  host: string;
  port: number;
}

export interface ForwarderOptions {
  upstreams: Upstream[];
  /** Per upstream and query. Default 2 s (glibc's resolver waits 5 s per server). */
  timeoutMs?: number;
}

export class Forwarder {
  readonly upstreams: Upstream[];
  private readonly timeoutMs: number;

  constructor(opts: ForwarderOptions) {
    this.upstreams = opts.upstreams;
    this.timeoutMs = opts.timeoutMs ?? 2000;
  }

  /** The first upstream's answer, or undefined when none answered. */
  async forward(query: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    for (const upstream of this.upstreams) {
      try {
        return transport === 'udp' ? await this.udp(upstream, query) : await this.tcp(upstream, query);
      } catch {
        // Try the next one.
      }
    }
    return undefined;
  }

  private udp(upstream: Upstream, query: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const socket = createSocket(isIPv6(upstream.host) ? 'udp6' : 'udp4');
      const id = query.readUInt16BE(0);
      const finish = (err: Error | undefined, answer?: Buffer) => {
        clearTimeout(timer);
        socket.close();
        if (err) reject(err);
        else resolve(answer!);
      };
      const timer = setTimeout(() => finish(new Error('upstream timed out')), this.timeoutMs);
      socket.on('error', (err) => finish(err));
      socket.on('message', (msg) => {
        if (msg.length >= 12 && msg.readUInt16BE(0) === id) finish(undefined, msg);
      });
      socket.send(query, upstream.port, upstream.host);
    });
  }

  private tcp(upstream: Upstream, query: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: upstream.host, port: upstream.port });
      let buffered = Buffer.alloc(0);
      const finish = (err: Error | undefined, answer?: Buffer) => {
        clearTimeout(timer);
        socket.destroy();
        if (err) reject(err);
        else resolve(answer!);
      };
      const timer = setTimeout(() => finish(new Error('upstream timed out')), this.timeoutMs);
      socket.on('error', (err) => finish(err));
      socket.on('close', () => finish(new Error('upstream closed the connection')));
      socket.on('connect', () => {
        const length = Buffer.alloc(2);
        length.writeUInt16BE(query.length);
        socket.write(Buffer.concat([length, query]));
      });
      socket.on('data', (chunk) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0))
          finish(undefined, buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
      });
    });
  }
}

/** `1.1.1.1`, `1.1.1.1:5353`, `::1`, `[::1]:53` -> host and port. */
export function parseUpstream(text: string): Upstream {
  const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, port: Number(bracketed[2] ?? 53) };
  if (isIPv6(text)) return { host: text, port: 53 };
  const [host, port] = text.split(':');
  return { host: host!, port: Number(port ?? 53) };
}

/**
 * The node's resolvers from its resolv.conf, leaving out the address the cluster DNS itself
 * listens on (a node whose resolv.conf names its own cluster DNS would loop).
 */
export function upstreamsFromResolvConf(text: string, self: Upstream): Upstream[] {
  return parseResolvConf(text)
    .servers.map(parseUpstream)
    .filter((u) => !(u.host === self.host && u.port === self.port));
}
