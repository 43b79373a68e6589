import { describe, expect, it } from 'vitest';
import { isExpired, isNotFound } from './api-error.ts';
import { FakeApiServer } from './fake-apiserver.ts';
import { inProcessTransport, type InProcessHandler } from './transport-in-process.ts';

describe('inProcessTransport', () => {
  it('passes requests to the handler and returns its parsed answer', async () => {
    const server = new FakeApiServer();
    const t = inProcessTransport(server);
    const created = await t.request('POST', '/api/v1/namespaces/default/configmaps', {
      body: { metadata: { name: 'a' } },
      query: { fieldManager: 'me', dryRun: undefined },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ metadata: { name: 'a', namespace: 'default' } });
    expect(server.log[0]).toMatchObject({
      query: { fieldManager: 'me' },
      headers: { 'content-type': 'application/json' },
    });
  });

  it('turns thrown Status errors and non-2xx answers into ApiError', async () => {
    const t = inProcessTransport(new FakeApiServer());
    await expect(t.request('GET', '/api/v1/namespaces/default/configmaps/x')).rejects.toSatisfy(isNotFound);
    const handler: InProcessHandler = {
      request: async () => ({
        status: 404,
        headers: { 'content-type': 'application/json' },
        body: '{"kind":"Status","code":404,"reason":"NotFound","message":"gone"}',
      }),
      watch: async () => ({ close() {} }),
    };
    await expect(inProcessTransport(handler).request('GET', '/x')).rejects.toMatchObject({
      message: 'gone',
      status: { code: 404 },
    });
  });

  it('rejects a watch the server refuses, and stops the server side on close', async () => {
    const server = new FakeApiServer();
    const t = inProcessTransport(server);
    await t.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'a' } } });
    await t.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'b' } } });
    server.compact();
    await expect(t.watch('/api/v1/configmaps', { resourceVersion: '1' })).rejects.toSatisfy(isExpired);

    const stream = await t.watch('/api/v1/configmaps', {});
    expect(server.openWatches).toBe(1);
    const it = stream[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'a' } } });
    stream.close();
    expect(server.openWatches).toBe(0);
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('ends the iteration with the error the server closes the watch with', async () => {
    const server = new FakeApiServer();
    const stream = await inProcessTransport(server).watch('/api/v1/pods', {});
    server.dropWatches(new Error('server shutting down'));
    await expect(stream[Symbol.asyncIterator]().next()).rejects.toThrow('server shutting down');
  });

  it('stops a watch when its signal aborts', async () => {
    const server = new FakeApiServer();
    const ac = new AbortController();
    const stream = await inProcessTransport(server).watch('/api/v1/pods', {}, { signal: ac.signal });
    const next = stream[Symbol.asyncIterator]().next();
    ac.abort();
    expect(await next).toEqual({ value: undefined, done: true });
    expect(server.openWatches).toBe(0);
  });
});
