import { getEventListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isExpired, isNotFound } from './api-error.ts';
import { Client } from './client.ts';
import { NodeTransport, nodeTransportFromKubeconfig } from './transport-node.ts';
import type { WatchEvent } from './types.ts';

const testdata = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8');
const b64 = (s: string) => Buffer.from(s).toString('base64');

const events: WatchEvent[] = [
  { type: 'ADDED', object: { metadata: { name: 'ä-✓', resourceVersion: '5' } } },
  { type: 'BOOKMARK', object: { metadata: { resourceVersion: '6' } } },
  {
    type: 'DELETED',
    object: { metadata: { name: 'b', resourceVersion: '7' }, data: { big: 'x'.repeat(70_000) } },
  },
];

let server: https.Server;
let url: string;
let dir: string;
const openWatches = new Set<http.ServerResponse>();

const status = (code: number, reason: string, message: string) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-client-'));
  server = https.createServer(
    {
      key: testdata('server.key'),
      cert: testdata('server.crt'),
      ca: testdata('ca.crt'),
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const u = new URL(req.url ?? '/', 'https://x');
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      const who = (req.socket as TLSSocket).authorized
        ? peer.subject?.CN
        : req.headers.authorization === 'Bearer s3cret'
          ? 'token-user'
          : undefined;
      const json = (code: number, body: string) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(body);
      };
      if (!who) return json(401, status(401, 'Unauthorized', 'Unauthorized'));
      if (u.searchParams.get('watch') === 'true') {
        if (u.searchParams.get('resourceVersion') === '1')
          return json(410, status(410, 'Expired', 'too old resource version: 1 (4)'));
        res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
        const mode = u.searchParams.get('labelSelector');
        if (mode === 'hang') {
          openWatches.add(res);
          res.on('close', () => openWatches.delete(res));
          res.write(JSON.stringify(events[0]) + '\n');
          return;
        }
        const bytes = Buffer.from(events.map((e) => JSON.stringify(e)).join('\n') + '\n');
        // Split inside a multi-byte character and inside the big object.
        const cuts = [0, 20, 21, 22, 200, 40_000, bytes.length];
        for (let i = 0; i + 2 < cuts.length; i++) res.write(bytes.subarray(cuts[i], cuts[i + 1]));
        const last = bytes.subarray(cuts[cuts.length - 2]);
        // Break the connection once everything is written, without the chunked terminator.
        if (mode === 'break') return void res.write(last, () => setImmediate(() => res.socket?.destroy()));
        return void res.end(last);
      }
      if (u.pathname === '/api/v1/namespaces/default/configmaps/missing')
        return json(404, status(404, 'NotFound', 'configmaps "missing" not found'));
      if (u.pathname === '/text-error') {
        res.writeHead(503, { 'content-type': 'text/plain' });
        return void res.end('try later\n');
      }
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () =>
        json(
          200,
          JSON.stringify({
            kind: 'Echo',
            who,
            method: req.method,
            path: u.pathname,
            query: u.search,
            contentType: req.headers['content-type'],
            body,
          }),
        ),
      );
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const kubeconfig = (user: Record<string, string>, cluster: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Config',
  'current-context': 'test',
  clusters: [
    {
      name: 'c',
      cluster: { server: url, 'certificate-authority-data': b64(testdata('ca.crt')), ...cluster },
    },
  ],
  users: [{ name: 'u', user }],
  contexts: [{ name: 'test', context: { cluster: 'c', user: 'u' } }],
});

const certUser = {
  'client-certificate-data': b64(testdata('client.crt')),
  'client-key-data': b64(testdata('client.key')),
};

describe('NodeTransport', () => {
  let transport: NodeTransport;
  beforeAll(() => {
    transport = nodeTransportFromKubeconfig({ kubeconfig: kubeconfig(certUser) });
  });
  afterAll(() => transport.close());

  it('authenticates with the client certificate and verifies the server against the CA', async () => {
    const res = await transport.request('GET', '/api/v1/namespaces/default/configmaps/a', {
      query: { resourceVersion: '0', skip: undefined },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toMatchObject({
      who: 'test-admin',
      path: '/api/v1/namespaces/default/configmaps/a',
      query: '?resourceVersion=0',
    });
  });

  it('sends JSON bodies and raw strings with their content type', async () => {
    const client = new Client(transport);
    const echo = (await client
      .resource('v1', 'ConfigMap')
      .namespace('default')
      .create({ metadata: { name: 'x' } })) as any;
    expect(echo).toMatchObject({
      method: 'POST',
      contentType: 'application/json',
      body: '{"metadata":{"name":"x"}}',
    });
    const res = await transport.request('PATCH', '/p', {
      body: 'a: 1\n',
      contentType: 'application/apply-patch+yaml',
    });
    expect(res.body).toMatchObject({ contentType: 'application/apply-patch+yaml', body: 'a: 1\n' });
  });

  it('turns failures into ApiError, with the server Status or one made up from the code', async () => {
    const err = await transport
      .request('GET', '/api/v1/namespaces/default/configmaps/missing')
      .catch((e) => e);
    expect(isNotFound(err)).toBe(true);
    expect(err.message).toBe('configmaps "missing" not found');
    await expect(transport.request('GET', '/text-error')).rejects.toMatchObject({
      status: { code: 503, reason: 'ServiceUnavailable', message: 'try later' },
    });
  });

  it('uses a bearer token from the kubeconfig', async () => {
    const t = nodeTransportFromKubeconfig({ kubeconfig: kubeconfig({ token: 's3cret' }) });
    try {
      expect((await t.request('GET', '/x')).body).toMatchObject({ who: 'token-user' });
    } finally {
      t.close();
    }
    const anon = nodeTransportFromKubeconfig({ kubeconfig: kubeconfig({ token: 'wrong' }) });
    try {
      await expect(anon.request('GET', '/x')).rejects.toMatchObject({ status: { code: 401 } });
    } finally {
      anon.close();
    }
  });

  it('refuses a server its CA did not sign', async () => {
    const t = nodeTransportFromKubeconfig({
      kubeconfig: kubeconfig(certUser, { 'certificate-authority-data': b64(testdata('client.crt')) }),
    });
    try {
      await expect(t.request('GET', '/x')).rejects.toThrow(/certificate/);
    } finally {
      t.close();
    }
  });

  it('reads a kubeconfig file whose certificate paths are relative to it', async () => {
    for (const f of ['ca.crt', 'client.crt', 'client.key']) writeFileSync(join(dir, f), testdata(f));
    const file = join(dir, 'kubeconfig.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: test',
        'clusters:',
        `- name: c\n  cluster:\n    server: ${url}\n    certificate-authority: ca.crt`,
        'users:',
        '- name: u\n  user:\n    client-certificate: client.crt\n    client-key: client.key',
        'contexts:',
        '- name: test\n  context:\n    cluster: c\n    user: u',
        '',
      ].join('\n'),
    );
    const t = nodeTransportFromKubeconfig({ kubeconfig: file });
    try {
      expect((await t.request('GET', '/x')).body).toMatchObject({ who: 'test-admin' });
    } finally {
      t.close();
    }
  });

  it('streams watch events split anywhere in the bytes, and ends when the server ends', async () => {
    const stream = await transport.watch('/api/v1/pods', { resourceVersion: '4' });
    const got: WatchEvent[] = [];
    for await (const ev of stream) got.push(ev);
    expect(got).toEqual(events);
  });

  it('lets go of a long-lived abort signal when a watch ends (no listener piles up per watch)', async () => {
    const ac = new AbortController();
    for (let i = 0; i < 3; i++) {
      const stream = await transport.watch('/api/v1/pods', { resourceVersion: '4' }, { signal: ac.signal });
      for await (const _ of stream);
    }
    await waitUntilTrue(() => getEventListeners(ac.signal, 'abort').length === 0);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('rejects a watch the server refuses, e.g. 410 Expired', async () => {
    const err = await transport.watch('/api/v1/pods', { resourceVersion: '1' }).catch((e) => e);
    expect(isExpired(err)).toBe(true);
    expect(err.message).toBe('too old resource version: 1 (4)');
  });

  it('throws from the iteration when the connection breaks mid-stream', async () => {
    const stream = await transport.watch('/api/v1/pods', { labelSelector: 'break' });
    const got: string[] = [];
    const err = await (async () => {
      for await (const ev of stream) got.push(ev.type);
    })().catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(got).toEqual(['ADDED', 'BOOKMARK', 'DELETED']);
  });

  it('closes a watch on close() or abort, and watches never take request sockets', async () => {
    const t = nodeTransportFromKubeconfig({ kubeconfig: kubeconfig(certUser) }, { maxSockets: 1 });
    try {
      const ac = new AbortController();
      const streams = await Promise.all(
        [1, 2, 3].map(() => t.watch('/api/v1/pods', { labelSelector: 'hang' }, { signal: ac.signal })),
      );
      expect(openWatches.size).toBe(3);
      // A request still gets through even though three watches are open and maxSockets is 1.
      expect((await t.request('GET', '/x')).status).toBe(200);
      const first = await streams[0]![Symbol.asyncIterator]().next();
      expect(first.value).toEqual(events[0]);
      streams[0]!.close();
      ac.abort();
      for (const s of streams.slice(1)) {
        const it = s[Symbol.asyncIterator]();
        await it.next(); // the first event
        expect(await it.next()).toEqual({ value: undefined, done: true });
      }
      await eventually(() => openWatches.size === 0);
    } finally {
      t.close();
    }
  });
});

async function eventually(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}

describe('NodeTransport connection reuse', () => {
  it('resends once on a fresh connection when a pooled one turns out to be closed', async () => {
    // A server that drops every connection at its second request without answering, as a
    // server does that closed an idle keep-alive connection just as the client reused it.
    const perSocket = new WeakMap<object, number>();
    let requests = 0;
    const plain = http.createServer((req, res) => {
      requests++;
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      if (n === 2) return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ n }));
    });
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    const t = new NodeTransport(
      { server: `http://127.0.0.1:${(plain.address() as AddressInfo).port}` },
      { maxSockets: 1 },
    );
    try {
      expect((await t.request('GET', '/a')).body).toEqual({ n: 1 });
      expect((await t.request('POST', '/b', { body: {} })).body).toEqual({ n: 1 });
      expect(requests).toBe(3);
    } finally {
      t.close();
      plain.closeAllConnections();
      await new Promise((r) => plain.close(r));
    }
  });
});

describe('NodeTransport connection pool', () => {
  it('keeps the connections of a burst for the next one instead of handshaking again', async () => {
    let handshakes = 0;
    const tlsServer = https.createServer(
      { key: testdata('server.key'), cert: testdata('server.crt') },
      (_req, res) => setTimeout(() => res.end('{}'), 5),
    );
    tlsServer.on('secureConnection', () => handshakes++);
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    const t = new NodeTransport(
      { server: `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`, ca: testdata('ca.crt') },
      { maxSockets: 16 },
    );
    try {
      for (let burst = 0; burst < 3; burst++) {
        await Promise.all(Array.from({ length: 16 }, () => t.request('GET', '/x')));
      }
      expect(handshakes).toBeLessThanOrEqual(16);
    } finally {
      t.close();
      tlsServer.closeAllConnections();
      await new Promise((r) => tlsServer.close(r));
    }
  });
});

/** The 'close' of a finished response comes a tick after its 'end'. */
async function waitUntilTrue(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
}
