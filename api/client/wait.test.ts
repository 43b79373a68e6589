import { afterEach, describe, expect, it } from 'vitest';
import { Client } from './client.ts';
import { FakeClock } from './clock.ts';
import { FakeApiServer } from './fake-apiserver.ts';
import { SharedIndexInformer } from './informer.ts';
import { silentLogger } from './logger.ts';
import { inProcessTransport } from './transport-in-process.ts';
import { pollUntil, waitFor, waitForObject, WaitTimeoutError } from './wait.ts';

const stops: AbortController[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s.abort();
});

describe('pollUntil', () => {
  it('returns the first truthy value', async () => {
    let n = 0;
    expect(await pollUntil(() => ++n >= 3 && n, { timeoutMs: 10_000, intervalMs: 1 })).toBe(3);
  });

  it('times out with what it was waiting for and the last error', async () => {
    const clock = new FakeClock();
    const p = pollUntil(
      () => {
        throw new Error('connection refused');
      },
      {
        timeoutMs: 1000,
        intervalMs: 100,
        clock,
        retryOnError: true,
        description: 'the API server to answer',
      },
    ).catch((e) => e);
    for (let i = 0; i < 12; i++) {
      await new Promise((r) => setImmediate(r));
      clock.step(100);
    }
    const err = await p;
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(err.message).toBe(
      'timed out after 1000ms waiting for the API server to answer; last error: connection refused',
    );
  });

  it('fails at once on an error unless told to retry', async () => {
    await expect(pollUntil(() => Promise.reject(new Error('bad')), { timeoutMs: 10_000 })).rejects.toThrow(
      'bad',
    );
  });
});

describe('waitFor / waitForObject', () => {
  const setup = () => {
    const server = new FakeApiServer();
    const client = new Client(inProcessTransport(server));
    const stop = new AbortController();
    stops.push(stop);
    const informer = new SharedIndexInformer({
      resource: client.resource('v1', 'Pod'),
      logger: silentLogger,
    });
    void informer.run(stop.signal);
    return { server, informer };
  };

  it('resolves when an object reaches the wanted state, and on its deletion', async () => {
    const { server, informer } = setup();
    server.create('/v1/pods', {
      metadata: { name: 'web', namespace: 'default' },
      status: { phase: 'Pending' },
    });
    const running = waitForObject(informer, 'default/web', (p) => p?.status?.phase === 'Running', {
      timeoutMs: 20_000,
    });
    await informer.waitForSync({ timeoutMs: 20_000 });
    server.modify('/v1/pods', 'default', 'web', (p) => (p.status.phase = 'Running'));
    expect((await running)?.status.phase).toBe('Running');

    const gone = waitForObject(informer, 'default/web', (p) => !p, { timeoutMs: 20_000 });
    server.remove('/v1/pods', { metadata: { name: 'web', namespace: 'default' } });
    expect(await gone).toBeUndefined();
  });

  it('re-checks a store-wide condition on every event', async () => {
    const { server, informer } = setup();
    const three = waitFor(informer, () => informer.store.size >= 3 && informer.store.size, {
      timeoutMs: 20_000,
    });
    for (const n of ['a', 'b', 'c'])
      server.create('/v1/pods', { metadata: { name: n, namespace: 'default' } });
    expect(await three).toBe(3);
  });

  it('times out saying what it waited for and what it last saw', async () => {
    const { server, informer } = setup();
    server.create('/v1/pods', {
      metadata: { name: 'web', namespace: 'default' },
      status: { phase: 'Pending' },
    });
    await waitForObject(informer, 'default/web', (o) => o !== undefined, { timeoutMs: 20_000 });
    const clock = new FakeClock();
    const p = waitForObject(informer, 'default/web', (o) => o?.status?.phase === 'Running', {
      timeoutMs: 5000,
      clock,
      description: 'pod default/web to be Running',
    });
    clock.step(5000);
    const err = await p.catch((e) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(err.message).toMatch(
      /^timed out after 5000ms waiting for pod default\/web to be Running; last seen: .*"phase":"Pending"/,
    );
  });
});
