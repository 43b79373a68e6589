import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../api/client/index.ts';
import { EventTtlController } from './event-ttl.ts';
import { ApiEventRecorder, MemoryEventRecorder } from '../../api/client/event-recorder.ts';
import { PodGcController } from './pod-gc.ts';
import { startTestApi, stopController, type TestApi } from './testing/api.ts';

describe('pod GC and event TTL against a real API server', () => {
  let api: TestApi;
  const ac = stopController();
  let runs: Promise<void>[];
  beforeAll(async () => {
    api = await startTestApi();
    const informers = api.informers();
    const config = { client: api.client, informers, recorder: new MemoryEventRecorder() };
    const controllers = [
      new PodGcController({ ...config, quarantineMs: 500 }),
      new EventTtlController({ ...config, ttlMs: 2_000 }),
    ];
    informers.start(ac.signal);
    runs = controllers.map((c) => c.start(ac.signal));
  }, 60_000);
  afterAll(async () => {
    ac.abort();
    await Promise.all(runs);
    await api?.close();
  });

  const pods = () => api.client.resource('v1', 'Pod').namespace('default');
  const exists = (name: string) =>
    pods()
      .get(name)
      .then(
        () => true,
        () => false,
      );

  it('force-deletes pods of a deleted node, and leaves pods of existing nodes alone', async () => {
    await api.client.resource('v1', 'Node').create({ metadata: { name: 'gone' } });
    await api.client.resource('v1', 'Node').create({ metadata: { name: 'here' } });
    for (const [name, node] of [
      ['on-gone', 'gone'],
      ['on-here', 'here'],
    ])
      await pods().create({
        metadata: { name },
        spec: { nodeName: node, containers: [{ name: 'c', image: 'nginx' }] },
      });
    // Terminating with a grace period that nothing on the dead node will ever finish.
    await pods().delete('on-gone', { gracePeriodSeconds: 300 });
    await api.client.resource('v1', 'Node').delete('gone');
    await pollUntil(async () => !(await exists('on-gone')), {
      timeoutMs: 30_000,
      description: 'on-gone removed',
    });
    expect(await exists('on-here')).toBe(true);
  });

  it('expires events after the TTL', async () => {
    const rec = new ApiEventRecorder({ client: api.client, component: 'test' });
    rec.event(
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'on-here', namespace: 'default', uid: 'x' } },
      'Normal',
      'Tick',
      'tick',
    );
    await rec.flush();
    const list = () => api.client.resource('v1', 'Event').namespace('default').list();
    expect((await list()).items.length).toBeGreaterThan(0);
    await pollUntil(async () => (await list()).items.length === 0, {
      timeoutMs: 30_000,
      description: 'events expired',
    });
  });
});
