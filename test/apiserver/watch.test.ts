// Watch streams over HTTP/1.1: newline-delimited events, one object per line, in the shape the
// client negotiated, ending cleanly when timeoutSeconds passes.
import type { IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startServer, waitFor, type TestServer } from '../helpers/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

interface OpenWatch {
  response: IncomingMessage;
  /** Events received so far. */
  events: any[];
  ended: Promise<void>;
  close(): void;
}

/** Open a watch and collect its events; resolves once the server has answered with headers. */
function openWatch(path: string, headers: Record<string, string> = {}): Promise<OpenWatch> {
  const pki = join(server.dataDir, 'pki');
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: u.hostname,
        port: u.port,
        path,
        headers,
        ca: readFileSync(join(pki, 'ca.crt')),
        cert: readFileSync(join(pki, 'admin.crt')),
        key: readFileSync(join(pki, 'admin.key')),
      },
      (response) => {
        const events: any[] = [];
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
            events.push(JSON.parse(buffer.slice(0, nl)));
            buffer = buffer.slice(nl + 1);
          }
        });
        const ended = new Promise<void>((done) => response.on('end', () => done()));
        resolve({ response, events, ended, close: () => req.destroy() });
      },
    );
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    req.end();
  });
}

const configMap = (name: string, data: Record<string, string> = {}) => ({
  method: 'POST',
  path: '/api/v1/namespaces/default/configmaps',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data }),
});

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED as JSON lines', async () => {
    const w = await openWatch('/api/v1/namespaces/default/configmaps?watch=true');
    try {
      expect(w.response.statusCode).toBe(200);
      expect(w.response.headers['content-type']).toBe('application/json');
      expect(w.response.headers['transfer-encoding']).toBe('chunked');
      expect((await rawRequest(server, configMap('w1'))).status).toBe(201);
      expect(
        (
          await rawRequest(server, {
            method: 'PATCH',
            path: '/api/v1/namespaces/default/configmaps/w1',
            headers: { 'Content-Type': 'application/merge-patch+json' },
            body: '{"data":{"k":"v"}}',
          })
        ).status,
      ).toBe(200);
      expect(
        (await rawRequest(server, { method: 'DELETE', path: '/api/v1/namespaces/default/configmaps/w1' }))
          .status,
      ).toBe(200);
      // The namespace also holds kube-root-ca.crt (the root CA publisher's), as upstream's does.
      const w1 = () => w.events.filter((e) => e.object.metadata.name === 'w1');
      await waitFor(() => w1().length >= 3, 60_000, 'three events');
      expect(w1().map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
        'ADDED w1',
        'MODIFIED w1',
        'DELETED w1',
      ]);
      expect(w1()[1]!.object.data).toEqual({ k: 'v' });
    } finally {
      w.close();
    }
  });

  it('ends by itself after timeoutSeconds', async () => {
    const w = await openWatch('/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1');
    await w.ended;
    expect(w.response.statusCode).toBe(200);
  });

  it('watches one object through the legacy /watch/ path', async () => {
    const w = await openWatch('/api/v1/watch/namespaces/default/configmaps/only-me');
    try {
      await rawRequest(server, configMap('not-me'));
      await rawRequest(server, configMap('only-me'));
      await waitFor(() => w.events.length >= 1, 60_000, 'an event');
      // A second change makes sure nothing about not-me slipped in before it.
      await rawRequest(server, { method: 'DELETE', path: '/api/v1/namespaces/default/configmaps/only-me' });
      await waitFor(() => w.events.length >= 2, 60_000, 'the delete');
      expect(w.events.map((e) => e.object.metadata.name)).toEqual(['only-me', 'only-me']);
    } finally {
      w.close();
    }
  });

  it('sends Tables when asked, as kubectl get --watch does', async () => {
    const w = await openWatch('/api/v1/namespaces/default/configmaps?watch=true', {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    try {
      await rawRequest(server, configMap('tabled'));
      // Without a resourceVersion the stream starts with the objects that exist (as upstream).
      const event = await waitFor(
        () => w.events.find((e) => e.object.rows?.[0]?.cells?.[0] === 'tabled'),
        60_000,
        'the event for tabled',
      );
      expect(event.type).toBe('ADDED');
      expect(event.object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
      expect(event.object.rows).toHaveLength(1);
      expect(event.object.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata' });
    } finally {
      w.close();
    }
  });

  it('labels the stream stream=watch when the client asked for it', async () => {
    const w = await openWatch('/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1', {
      Accept: 'application/json;stream=watch',
    });
    expect(w.response.headers['content-type']).toBe('application/json;stream=watch');
    await w.ended;
  });
});
