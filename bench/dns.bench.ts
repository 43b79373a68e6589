// Cluster DNS benchmark (npm run bench -- dns). In one run on 127.0.0.1:
//  1. baseline: a trivial UDP echo server (sends each datagram back), the floor for any UDP
//     request/response on this machine and runtime;
//  2. the cluster DNS server (agent/dns) answering A queries for services and headless
//     services out of 1,000 Services and their EndpointSlices.
// Both are driven by the same client: CONCURRENCY sockets, each sending its next query when the
// previous answer arrived, for PHASE_MS. Reported: queries/s, p50/p99 latency, and the ratios.
import { createSocket, type Socket } from 'node:dgram';
import { Store } from '../api/client/index.ts';
import {
  ClusterRecords,
  serviceIndexers,
  sliceIndexers,
  type ServiceObject,
  type SliceObject,
} from '../agent/dns/cluster-records.ts';
import { encodeQuery } from '../agent/dns/query.ts';
import { DnsServer } from '../agent/dns/server.ts';

const SERVICES = 1000;
const PHASE_MS = 3000;
const CONCURRENCY = 16;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

interface Run {
  queriesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** CONCURRENCY closed-loop clients against host:port for PHASE_MS. */
async function drive(port: number, queries: Buffer[]): Promise<Run> {
  const latencies: number[] = [];
  const deadline = performance.now() + PHASE_MS;
  const client = (i: number) =>
    new Promise<void>((resolve) => {
      const socket: Socket = createSocket('udp4');
      let sentAt = 0;
      let n = i;
      const send = () => {
        if (performance.now() > deadline) {
          socket.close();
          resolve();
          return;
        }
        sentAt = performance.now();
        socket.send(queries[n++ % queries.length]!, port, '127.0.0.1');
      };
      socket.on('message', () => {
        latencies.push(performance.now() - sentAt);
        send();
      });
      socket.bind(0, '127.0.0.1', send);
    });
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => client(i)));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    queriesPerSecond: Math.round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 50), 3),
    p99Ms: round(percentile(latencies, 99), 3),
  };
}

export default async function dnsBench() {
  const services = new Store<ServiceObject>(serviceIndexers);
  const slices = new Store<SliceObject>(sliceIndexers);
  for (let i = 0; i < SERVICES; i++) {
    const headless = i % 10 === 0;
    services.upsert({
      metadata: { name: `svc-${i}`, namespace: `ns-${i % 20}` },
      spec: headless
        ? { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] }
        : { clusterIP: `10.96.${i >> 8}.${i & 255}`, ports: [{ name: 'http', port: 80 }] },
    });
    slices.upsert({
      metadata: {
        name: `svc-${i}-x`,
        namespace: `ns-${i % 20}`,
        labels: { 'kubernetes.io/service-name': `svc-${i}` },
      },
      addressType: 'IPv4',
      endpoints: [1, 2, 3].map((k) => ({
        addresses: [`10.244.${k}.${i & 255}`],
        conditions: { ready: true },
      })),
      ports: [{ name: 'http', port: 8080 }],
    });
  }
  const dns = new DnsServer({ records: new ClusterRecords(services, slices) });
  const dnsPort = await dns.listen('127.0.0.1', 0);
  const echo = createSocket('udp4');
  echo.on('message', (msg, rinfo) => echo.send(msg, rinfo.port, rinfo.address));
  await new Promise<void>((resolve) => echo.bind(0, '127.0.0.1', resolve));
  const echoPort = echo.address().port;
  const queries = Array.from({ length: 200 }, (_, i) =>
    encodeQuery({ name: `svc-${i * 5}.ns-${(i * 5) % 20}.svc.cluster.local`, type: 'A' }, i + 1),
  );
  try {
    // Warm up both (JIT, socket buffers), then measure the baseline before and after the DNS run.
    await drive(echoPort, queries);
    const before = await drive(echoPort, queries);
    const cluster = await drive(dnsPort, queries);
    const after = await drive(echoPort, queries);
    const baseline: Run = {
      queriesPerSecond: Math.round((before.queriesPerSecond + after.queriesPerSecond) / 2),
      p50Ms: round((before.p50Ms + after.p50Ms) / 2, 3),
      p99Ms: round((before.p99Ms + after.p99Ms) / 2, 3),
    };
    const throughputRatio = round(cluster.queriesPerSecond / baseline.queriesPerSecond, 2);
    const p99Ratio = round(cluster.p99Ms / baseline.p99Ms, 2);
    return {
      summary: `${cluster.queriesPerSecond} queries/s (p99 ${cluster.p99Ms} ms) vs UDP echo ${baseline.queriesPerSecond}/s (p99 ${baseline.p99Ms} ms): ${throughputRatio}x throughput, ${p99Ratio}x p99`,
      setup: {
        services: SERVICES,
        concurrency: CONCURRENCY,
        phaseMs: PHASE_MS,
        transport: 'udp',
        from: 'host loopback',
      },
      clusterDns: cluster,
      udpEcho: { ...baseline, before, after },
      throughputRatio,
      p99Ratio,
    };
  } finally {
    echo.close();
    await dns.close();
  }
}
