import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isExpired, isNotFound } from './api-error.ts';
import { Client } from './client.ts';
import { fetchTransport } from './transport-fetch.ts';

// A plain-HTTP stand-in for the API server (fetch in Node cannot take a custom CA; TLS is the
// Node transport's test).
let server: http.Server;
let base: string;
const hanging = new Set<http.ServerResponse>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== 'Bearer tok')
      return json(401, { kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' });
    if (u.searchParams.get('watch') === 'true') {
      if (u.searchParams.get('resourceVersion') === '1')
        return json(410, { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' });
      res.writeHead(200, { 'content-type': 'application/json' });
      const lines = Buffer.from(
        '{"type":"ADDED","object":{"metadata":{"name":"ä"}}}\n{"type":"DELETED","object":{"metadata":{"name":"b"}}}\n',
      );
      res.write(lines.subarray(0, 45));
      if (u.searchParams.get('labelSelector') === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      return void res.end(lines.subarray(45));
    }
    if (u.pathname.endsWith('/missing'))
      return json(404, {
        kind: 'Status',
        code: 404,
        reason: 'NotFound',
        message: 'configmaps "missing" not found',
      });
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () =>
      json(200, { method: req.method, path: u.pathname + u.search, type: req.headers['content-type'], body }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('fetchTransport', () => {
  it('makes typed-client requests with the bearer token', async () => {
    const client = new Client(fetchTransport({ baseUrl: base, token: 'tok' }));
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    expect(await cms.patch('a', 'merge', { data: { k: 'v' } }, { fieldManager: 'ui' })).toEqual({
      method: 'PATCH',
      path: '/api/v1/namespaces/default/configmaps/a?fieldManager=ui',
      type: 'application/merge-patch+json',
      body: '{"data":{"k":"v"}}',
    });
    await expect(cms.get('missing')).rejects.toSatisfy(isNotFound);
    await expect(new Client(fetchTransport({ baseUrl: base })).request('GET', '/x')).rejects.toMatchObject({
      status: { code: 401 },
    });
  });

  it('streams watch events and reports a refused watch as ApiError', async () => {
    const t = fetchTransport({ baseUrl: base, token: 'tok' });
    const got: string[] = [];
    for await (const ev of await t.watch('/api/v1/pods', {}))
      got.push(`${ev.type} ${ev.object.metadata?.name}`);
    expect(got).toEqual(['ADDED ä', 'DELETED b']);
    await expect(t.watch('/api/v1/pods', { resourceVersion: '1' })).rejects.toSatisfy(isExpired);
  });

  it('closes the connection when the watch is closed', async () => {
    const t = fetchTransport({ baseUrl: base, token: 'tok' });
    const stream = await t.watch('/api/v1/pods', { labelSelector: 'hang' });
    expect(hanging.size).toBe(1);
    stream.close();
    for (let i = 0; i < 2000 && hanging.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(hanging.size).toBe(0);
  });
});
