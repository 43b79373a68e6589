// Cluster DNS as a pod sees it: real UDP and TCP sockets on 127.0.0.1, dns-packet queries, and
// Services/EndpointSlices in the same Stores the agent's informers fill.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../api/client/index.ts';
import {
  ClusterRecords,
  serviceIndexers,
  sliceIndexers,
  type ServiceObject,
  type SliceObject,
} from './cluster-records.ts';
import { Forwarder } from './forwarder.ts';
import { queryDns, type DnsQuery, type DnsReply } from './query.ts';
import { DnsServer, renderDnsMetrics } from './server.ts';

const services = new Store<ServiceObject>(serviceIndexers);
const slices = new Store<SliceObject>(sliceIndexers);

function service(name: string, spec: ServiceObject['spec'], namespace = 'default'): void {
  services.upsert({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec });
}

function slice(
  service: string,
  endpoints: { ip: string; hostname?: string; ready?: boolean }[],
  ports: { name?: string; port: number; protocol?: 'TCP' | 'UDP' }[] = [],
  opts: { namespace?: string; name?: string; addressType?: 'IPv4' | 'IPv6' } = {},
): void {
  slices.upsert({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: opts.name ?? `${service}-abc`,
      namespace: opts.namespace ?? 'default',
      labels: { 'kubernetes.io/service-name': service },
    },
    addressType: opts.addressType ?? 'IPv4',
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      hostname: e.hostname,
      conditions: { ready: e.ready ?? true },
    })),
    ports,
  });
}

let server: DnsServer;
let upstream: DnsServer;
let port: number;
let upstreamPort: number;

const ask = (name: string, type: DnsQuery['type'], extra: Partial<DnsQuery> = {}) =>
  queryDns({ host: '127.0.0.1', port, name, type, ...extra });
const data = (r: DnsReply): any[] => r.answers.map((a) => (a as { data?: unknown }).data);

beforeAll(async () => {
  service('web', {
    clusterIP: '10.96.0.20',
    clusterIPs: ['10.96.0.20'],
    ports: [
      { name: 'http', port: 80, protocol: 'TCP' },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ],
  });
  slice('web', [{ ip: '10.244.1.5' }, { ip: '10.244.2.6' }], [{ name: 'http', port: 8080 }]);
  service('nginx', { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] });
  slice(
    'nginx',
    [
      { ip: '10.244.1.10', hostname: 'web-0' },
      { ip: '10.244.2.11', hostname: 'web-1' },
      { ip: '10.244.2.12', hostname: 'web-2', ready: false },
    ],
    [{ name: 'http', port: 8080 }],
  );
  service('peers', { clusterIP: 'None', publishNotReadyAddresses: true });
  slice('peers', [{ ip: '10.244.3.1', ready: false }]);
  service('v6', { clusterIP: 'fd00:10:96::a', clusterIPs: ['fd00:10:96::a'], ports: [{ port: 80 }] });
  service('db', { type: 'ExternalName', externalName: 'db.example.com' }, 'prod');
  service('big', { clusterIP: 'None' });
  slice(
    'big',
    Array.from({ length: 60 }, (_, i) => ({ ip: `10.244.9.${i + 1}` })),
  );

  // A stand-in for the node's resolver: another DnsServer whose zone is example.com.
  const upstreamServices = new Store<ServiceObject>(serviceIndexers);
  upstreamServices.upsert({
    metadata: { name: 'www', namespace: 'ns' },
    spec: { clusterIP: '192.0.2.7', clusterIPs: ['192.0.2.7'] },
  });
  upstream = new DnsServer({
    records: new ClusterRecords(upstreamServices, new Store<SliceObject>(sliceIndexers)),
    zone: 'example.com',
  });
  upstreamPort = await upstream.listen('127.0.0.1', 0);
  server = new DnsServer({
    records: new ClusterRecords(services, slices),
    forwarder: new Forwarder({ upstreams: [{ host: '127.0.0.1', port: upstreamPort }], timeoutMs: 1000 }),
  });
  port = await server.listen('127.0.0.1', 0);
});

afterAll(async () => {
  await server?.close();
  await upstream?.close();
});

describe('cluster DNS', () => {
  it('answers a service name with its ClusterIP, TTL 5 s, authoritatively, on UDP and TCP', async () => {
    for (const transport of ['udp', 'tcp'] as const) {
      const r = await ask('web.default.svc.cluster.local', 'A', { transport });
      expect(r.rcode).toBe('NOERROR');
      expect(r.flag_aa).toBe(true);
      expect(r.answers).toEqual([
        expect.objectContaining({
          name: 'web.default.svc.cluster.local',
          type: 'A',
          ttl: 5,
          data: '10.96.0.20',
        }),
      ]);
    }
  });

  it('matches names case-insensitively and with a trailing dot', async () => {
    expect(data(await ask('WEB.Default.SVC.cluster.local.', 'A'))).toEqual(['10.96.0.20']);
  });

  it('tells NODATA (the name exists) from NXDOMAIN (it does not), both with the zone SOA', async () => {
    const nodata = await ask('web.default.svc.cluster.local', 'AAAA');
    expect(nodata.rcode).toBe('NOERROR');
    expect(nodata.answers).toEqual([]);
    expect(nodata.authorities).toEqual([
      expect.objectContaining({
        type: 'SOA',
        name: 'cluster.local',
        data: expect.objectContaining({ minimum: 5 }),
      }),
    ]);
    for (const name of [
      'nope.default.svc.cluster.local',
      'web.other.svc.cluster.local',
      'a.b.c.d.e.svc.cluster.local',
    ]) {
      const nx = await ask(name, 'A');
      expect(nx.rcode, name).toBe('NXDOMAIN');
      expect(nx.authorities[0]).toMatchObject({ type: 'SOA', name: 'cluster.local' });
    }
    // Names above a service exist (empty non-terminals); an unknown namespace does not.
    expect((await ask('default.svc.cluster.local', 'A')).rcode).toBe('NOERROR');
    expect((await ask('svc.cluster.local', 'A')).rcode).toBe('NOERROR');
    expect((await ask('nowhere.svc.cluster.local', 'A')).rcode).toBe('NXDOMAIN');
  });

  it('answers a headless service with its ready endpoints, or all with publishNotReadyAddresses', async () => {
    expect(data(await ask('nginx.default.svc.cluster.local', 'A')).sort()).toEqual([
      '10.244.1.10',
      '10.244.2.11',
    ]);
    expect(data(await ask('peers.default.svc.cluster.local', 'A'))).toEqual(['10.244.3.1']);
  });

  it('names StatefulSet pods through their endpoint hostnames', async () => {
    expect(data(await ask('web-0.nginx.default.svc.cluster.local', 'A'))).toEqual(['10.244.1.10']);
    expect(data(await ask('web-1.nginx.default.svc.cluster.local', 'A'))).toEqual(['10.244.2.11']);
    expect((await ask('web-2.nginx.default.svc.cluster.local', 'A')).rcode).toBe('NXDOMAIN');
    // A ClusterIP service has no per-endpoint names.
    expect((await ask('web-0.web.default.svc.cluster.local', 'A')).rcode).toBe('NXDOMAIN');
  });

  it('serves SRV for named ports: the service for a ClusterIP, each endpoint for a headless one', async () => {
    const r = await ask('_http._tcp.web.default.svc.cluster.local', 'SRV');
    expect(r.answers).toEqual([
      expect.objectContaining({
        type: 'SRV',
        data: expect.objectContaining({ port: 80, target: 'web.default.svc.cluster.local' }),
      }),
    ]);
    expect(r.additionals).toContainEqual(
      expect.objectContaining({ type: 'A', name: 'web.default.svc.cluster.local', data: '10.96.0.20' }),
    );
    expect(data(await ask('_dns._udp.web.default.svc.cluster.local', 'SRV'))).toEqual([
      expect.objectContaining({ port: 53 }),
    ]);
    const headless = await ask('_http._tcp.nginx.default.svc.cluster.local', 'SRV');
    expect(
      data(headless)
        .map((d: any) => `${d.target}:${d.port}`)
        .sort(),
    ).toEqual(['web-0.nginx.default.svc.cluster.local:8080', 'web-1.nginx.default.svc.cluster.local:8080']);
    expect((await ask('_https._tcp.web.default.svc.cluster.local', 'SRV')).rcode).toBe('NXDOMAIN');
    expect((await ask('_http._udp.web.default.svc.cluster.local', 'SRV')).rcode).toBe('NXDOMAIN');
  });

  it('answers PTR for service IPs and endpoint IPs', async () => {
    expect(data(await ask('20.0.96.10.in-addr.arpa', 'PTR'))).toEqual(['web.default.svc.cluster.local']);
    expect(data(await ask('10.1.244.10.in-addr.arpa', 'PTR'))).toEqual([
      'web-0.nginx.default.svc.cluster.local',
    ]);
    expect(data(await ask('5.1.244.10.in-addr.arpa', 'PTR'))).toEqual([
      '10-244-1-5.web.default.svc.cluster.local',
    ]);
    const v6 = 'a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa';
    expect(data(await ask(v6, 'PTR'))).toEqual(['v6.default.svc.cluster.local']);
  });

  it('answers AAAA for an IPv6 service, CNAME for ExternalName, A for dashed pod names', async () => {
    expect(data(await ask('v6.default.svc.cluster.local', 'AAAA'))).toEqual(['fd00:10:96::a']);
    expect((await ask('v6.default.svc.cluster.local', 'A')).answers).toEqual([]);
    expect(await ask('db.prod.svc.cluster.local', 'A')).toMatchObject({
      rcode: 'NOERROR',
      answers: [expect.objectContaining({ type: 'CNAME', data: 'db.example.com' })],
    });
    expect(data(await ask('10-244-1-5.default.pod.cluster.local', 'A'))).toEqual(['10.244.1.5']);
  });

  it('follows the caches: a new endpoint shows up in the next answer', async () => {
    slice('nginx', [{ ip: '10.244.4.4', hostname: 'web-3' }], [{ name: 'http', port: 8080 }], {
      name: 'nginx-2',
    });
    expect(data(await ask('web-3.nginx.default.svc.cluster.local', 'A'))).toEqual(['10.244.4.4']);
    slices.delete('default/nginx-2');
    expect((await ask('web-3.nginx.default.svc.cluster.local', 'A')).rcode).toBe('NXDOMAIN');
  });

  it('truncates a UDP answer that does not fit; TCP and a large EDNS size carry it whole', async () => {
    const udp = await ask('big.default.svc.cluster.local', 'A');
    expect(udp.flag_tc).toBe(true);
    expect(udp.answers).toEqual([]);
    const tcp = await ask('big.default.svc.cluster.local', 'A', { transport: 'tcp' });
    expect(tcp.flag_tc).toBe(false);
    expect(tcp.answers).toHaveLength(60);
    const edns = await ask('big.default.svc.cluster.local', 'A', { ednsSize: 4096 });
    expect(edns.flag_tc).toBe(false);
    expect(edns.answers).toHaveLength(60);
  });

  it('forwards other names (and unknown PTRs) to the upstream resolver, over UDP and TCP', async () => {
    for (const transport of ['udp', 'tcp'] as const) {
      const r = await ask('www.ns.svc.example.com', 'A', { transport });
      expect(r.rcode).toBe('NOERROR');
      expect(data(r)).toEqual(['192.0.2.7']);
    }
    expect((await ask('nothing.svc.example.com', 'A')).rcode).toBe('NXDOMAIN');
  });

  it('answers SERVFAIL when no upstream answers', async () => {
    const lonely = new DnsServer({
      records: new ClusterRecords(services, slices),
      forwarder: new Forwarder({ upstreams: [{ host: '127.0.0.1', port: 9 }], timeoutMs: 300 }),
    });
    const lonelyPort = await lonely.listen('127.0.0.1', 0);
    try {
      const r = await queryDns({ host: '127.0.0.1', port: lonelyPort, name: 'example.org', type: 'A' });
      expect(r.rcode).toBe('SERVFAIL');
      // Cluster names still work.
      const ok = await queryDns({
        host: '127.0.0.1',
        port: lonelyPort,
        name: 'web.default.svc.cluster.local',
        type: 'A',
      });
      expect(data(ok)).toEqual(['10.96.0.20']);
    } finally {
      await lonely.close();
    }
  });

  it('counts requests, response codes and forwards like CoreDNS metrics', () => {
    const text = renderDnsMetrics(server.metrics);
    expect(text).toMatch(/^coredns_dns_requests_total\{proto="udp"\} [1-9]\d*$/m);
    expect(text).toMatch(/^coredns_dns_requests_total\{proto="tcp"\} [1-9]\d*$/m);
    expect(text).toMatch(/^coredns_dns_responses_total\{rcode="NXDOMAIN"\} [1-9]\d*$/m);
    expect(text).toMatch(/^coredns_forward_requests_total [1-9]\d*$/m);
  });

  it('answers several queries on one TCP connection', async () => {
    const { connect } = await import('node:net');
    const { encodeQuery } = await import('./query.ts');
    const dnsPacket = await import('dns-packet');
    const socket = connect({ host: '127.0.0.1', port });
    const frames = [1, 2, 3].map((id) => {
      const q = encodeQuery({ name: 'web.default.svc.cluster.local', type: 'A' }, id);
      const len = Buffer.alloc(2);
      len.writeUInt16BE(q.length);
      return Buffer.concat([len, q]);
    });
    socket.write(Buffer.concat(frames));
    const ids = await new Promise<number[]>((resolve, reject) => {
      let buf = Buffer.alloc(0);
      const got: number[] = [];
      socket.on('error', reject);
      socket.on('data', (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          got.push(dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))).id!);
          buf = buf.subarray(2 + buf.readUInt16BE(0));
        }
        if (got.length === 3) resolve(got);
      });
    });
    socket.destroy();
    expect(ids.sort()).toEqual([1, 2, 3]);
  });
});
