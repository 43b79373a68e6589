// The cluster DNS server on the wire: UDP and TCP (RFC 1035 framing, several queries per
// connection) on one address. Cluster names are answered from the informer caches
// (resolver.ts), everything else is forwarded (forwarder.ts). A UDP answer larger than the
// client can take (512 bytes, or its EDNS size) goes out with the TC bit and no records, so the
// client asks again over TCP, as RFC 7766 expects.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket as TcpSocket } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { Answer, Packet } from 'dns-packet';
import { silentLogger, type Logger } from '../../api/client/index.ts';
import type { ClusterRecords } from './cluster-records.ts';
import type { Forwarder } from './forwarder.ts';
import { resolveClusterQuestion } from './resolver.ts';

export interface DnsServerOptions {
  records: ClusterRecords;
  /** The cluster domain. Default cluster.local. */
  zone?: string;
  /** Where other names go; without one they are answered SERVFAIL. */
  forwarder?: Forwarder;
  logger?: Logger;
}

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4 } as const;
const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/** Counters since start, served as Prometheus text on the kube-dns `metrics` port (9153). */
export interface DnsMetrics {
  requests: { udp: number; tcp: number };
  /** By rcode name. */
  responses: Map<string, number>;
  /** Queries passed to the upstream resolvers. */
  forwarded: number;
}
/** The EDNS size we advertise (the DNS flag day 2020 value) and the most we ever send. */
const EDNS_SIZE = 1232;
const MAX_UDP = 4096;
/** Idle TCP connections are closed after this long (CoreDNS: 10 s). */
const TCP_IDLE_MS = 10_000;

export class DnsServer {
  private udp: Socket | undefined;
  private tcp: Server | undefined;
  private readonly connections = new Set<TcpSocket>();
  private readonly zone: string;
  private readonly logger: Logger;
  readonly metrics: DnsMetrics = { requests: { udp: 0, tcp: 0 }, responses: new Map(), forwarded: 0 };

  constructor(private readonly opts: DnsServerOptions) {
    this.zone = opts.zone ?? 'cluster.local';
    this.logger = opts.logger ?? silentLogger;
  }

  /** Listens on UDP and TCP at host:port (0: one free port for both); resolves the port. */
  async listen(host: string, port: number): Promise<number> {
    const udp = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    this.udp = udp;
    udp.on('error', (err) => this.logger.warn('dns udp socket error', { error: String(err) }));
    udp.on('message', (msg, rinfo) => {
      void this.answer(msg, 'udp').then((reply) => {
        if (reply) udp.send(reply, rinfo.port, rinfo.address);
      });
    });
    const bound = udp.address().port;
    const tcp = createServer((socket) => this.serveConnection(socket));
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(bound, host, () => {
        tcp.off('error', reject);
        resolve();
      });
    }).catch((err) => {
      udp.close();
      throw err;
    });
    this.tcp = tcp;
    return bound;
  }

  async close(): Promise<void> {
    this.udp?.close();
    for (const c of this.connections) c.destroy();
    await new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve()));
  }

  private serveConnection(socket: TcpSocket): void {
    this.connections.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const query = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + query.length);
        void this.answer(Buffer.from(query), 'tcp').then((reply) => {
          if (!reply || socket.destroyed) return;
          const length = Buffer.alloc(2);
          length.writeUInt16BE(reply.length);
          socket.write(Buffer.concat([length, reply]));
        });
      }
    });
  }

  /** The reply bytes for one query, or undefined to stay silent (garbage, or a response). */
  async answer(msg: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    this.metrics.requests[transport]++;
    const reply = await this.respond(msg, transport);
    if (reply && reply.length >= 4) {
      const rcode = RCODE_NAMES[reply[3]! & 0xf] ?? String(reply[3]! & 0xf);
      this.metrics.responses.set(rcode, (this.metrics.responses.get(rcode) ?? 0) + 1);
    }
    return reply;
  }

  private async respond(msg: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    let query: Packet & { opcode?: string };
    try {
      query = dnsPacket.decode(msg);
    } catch {
      // A readable header still deserves FORMERR; anything shorter is noise.
      return msg.length >= 12 ? header(msg.readUInt16BE(0), RCODE.FORMERR, msg) : undefined;
    }
    if (query.type === 'response') return undefined;
    const id = query.id ?? 0;
    const rd = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
    const opt = query.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
    if (query.opcode !== 'QUERY')
      return encodeReply({ id, flags: rd | RCODE.NOTIMP, questions: query.questions });
    if (query.questions?.length !== 1) return encodeReply({ id, flags: rd | RCODE.FORMERR, questions: [] });
    const question = query.questions[0]!;
    let result;
    try {
      result = resolveClusterQuestion(question, this.opts.records, { zone: this.zone });
    } catch (err) {
      this.logger.warn('dns lookup failed', { name: question.name, error: String(err) });
      return encodeReply({ id, flags: rd | RCODE.SERVFAIL, questions: [question] });
    }
    if (!result) {
      if (this.opts.forwarder) this.metrics.forwarded++;
      const forwarded = await this.opts.forwarder?.forward(msg, transport);
      if (forwarded) return forwarded;
      return encodeReply({
        id,
        flags: rd | dnsPacket.RECURSION_AVAILABLE | RCODE.SERVFAIL,
        questions: [question],
      });
    }
    const flags = dnsPacket.AUTHORITATIVE_ANSWER | rd | dnsPacket.RECURSION_AVAILABLE | RCODE[result.rcode];
    const additionals: Answer[] = [...result.additionals];
    if (opt) additionals.push(optRecord());
    const reply: Packet = {
      id,
      flags,
      questions: [question],
      answers: result.answers,
      authorities: result.authorities,
      additionals,
    };
    const encoded = encodeReply(reply);
    const limit =
      transport === 'tcp' ? 65_535 : opt ? Math.min(Math.max(opt.udpPayloadSize ?? 512, 512), MAX_UDP) : 512;
    if (encoded.length <= limit) return encoded;
    return encodeReply({
      id,
      flags: flags | dnsPacket.TRUNCATED_RESPONSE,
      questions: [question],
      additionals: opt ? [optRecord()] : [],
    });
  }
}

function optRecord(): Answer {
  return {
    name: '.',
    type: 'OPT',
    udpPayloadSize: EDNS_SIZE,
    extendedRcode: 0,
    ednsVersion: 0,
    flags: 0,
  } as Answer;
}

function encodeReply(packet: Packet): Buffer {
  return dnsPacket.encode({ type: 'response', ...packet });
}

/** A bare reply header (for queries too broken to decode): id, QR, rcode, no sections. */
function header(id: number, rcode: number, query: Buffer): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt16BE(id, 0);
  out.writeUInt16BE(0x8000 | (query.readUInt16BE(2) & 0x7800) | rcode, 2);
  return out;
}

/** The counters in the Prometheus text format, named like CoreDNS's. */
export function renderDnsMetrics(m: DnsMetrics): string {
  const lines = [
    '# HELP coredns_dns_requests_total Counter of DNS requests made per protocol.',
    '# TYPE coredns_dns_requests_total counter',
    `coredns_dns_requests_total{proto="udp"} ${m.requests.udp}`,
    `coredns_dns_requests_total{proto="tcp"} ${m.requests.tcp}`,
    '# HELP coredns_dns_responses_total Counter of response status codes.',
    '# TYPE coredns_dns_responses_total counter',
    ...[...m.responses].map(([rcode, n]) => `coredns_dns_responses_total{rcode="${rcode}"} ${n}`),
    '# HELP coredns_forward_requests_total Counter of requests made to the upstream resolvers.',
    '# TYPE coredns_forward_requests_total counter',
    `coredns_forward_requests_total ${m.forwarded}`,
  ];
  return `${lines.join('\n')}\n`;
}
