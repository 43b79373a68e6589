// A one-question DNS client (a stub resolver's core), for tests, the bench and health checks:
// sends a dns-packet-encoded query over UDP or TCP and decodes the answer.
import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { Answer, Packet, RecordType } from 'dns-packet';

export interface DnsQuery {
  host: string;
  port: number;
  name: string;
  type: RecordType | 'ANY';
  transport?: 'udp' | 'tcp';
  /** Advertise this EDNS UDP size (adds an OPT record). */
  ednsSize?: number;
  timeoutMs?: number;
}

export interface DnsReply extends Packet {
  rcode?: string;
  flag_aa?: boolean;
  flag_tc?: boolean;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

let nextId = 1;

export function encodeQuery(q: Pick<DnsQuery, 'name' | 'type' | 'ednsSize'>, id: number): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name: q.name, type: q.type as RecordType, class: 'IN' }],
    additionals: q.ednsSize
      ? [
          {
            name: '.',
            type: 'OPT',
            udpPayloadSize: q.ednsSize,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: 0,
          } as Answer,
        ]
      : [],
  });
}

export async function queryDns(q: DnsQuery): Promise<DnsReply> {
  const id = (nextId = (nextId % 65_535) + 1);
  const raw = await exchange(q, encodeQuery(q, id));
  return dnsPacket.decode(raw) as DnsReply;
}

/** Sends query bytes and returns the reply bytes. */
export function exchange(
  q: Pick<DnsQuery, 'host' | 'port' | 'transport' | 'timeoutMs'>,
  query: Buffer,
): Promise<Buffer> {
  const timeoutMs = q.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    let cleanup = () => {};
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no DNS answer from ${q.host}:${q.port} within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (err: Error | undefined, reply?: Buffer) => {
      clearTimeout(timer);
      cleanup();
      if (err) reject(err);
      else resolve(reply!);
    };
    if (q.transport === 'tcp') {
      const socket = connect({ host: q.host, port: q.port });
      cleanup = () => socket.destroy();
      let buffered = Buffer.alloc(0);
      socket.on('error', (err) => done(err));
      socket.on('connect', () => {
        const length = Buffer.alloc(2);
        length.writeUInt16BE(query.length);
        socket.write(Buffer.concat([length, query]));
      });
      socket.on('data', (chunk) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0))
          done(undefined, buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
      });
      return;
    }
    const socket = createSocket(isIPv6(q.host) ? 'udp6' : 'udp4');
    cleanup = () => socket.close();
    socket.on('error', (err) => done(err));
    socket.on('message', (msg) => done(undefined, msg));
    socket.send(query, q.port, q.host);
  });
}
