import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/client/index.ts';
import { ApiEventRecorder, MemoryEventRecorder } from '../../api/client/event-recorder.ts';
import { startTestApi, type TestApi } from './testing/api.ts';

describe('ApiEventRecorder against a real API server', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  const eventsAbout = async (namespace: string, name: string) =>
    (await api.client.resource('v1', 'Event').namespace(namespace).list()).items.filter(
      (e) => e.involvedObject?.name === name,
    );

  it('writes a core/v1 Event with the object reference, source and timestamps', async () => {
    const cm = await api.client
      .resource('v1', 'ConfigMap')
      .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' } });
    const rec = new ApiEventRecorder({ client: api.client, component: 'test-controller' });
    rec.event(cm, 'Normal', 'Synced', 'settings synced');
    await rec.flush();
    const [ev, ...rest] = await eventsAbout('default', 'settings');
    expect(rest).toEqual([]);
    expect(ev).toMatchObject({
      involvedObject: {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        namespace: 'default',
        name: 'settings',
        uid: cm.metadata!.uid,
      },
      reason: 'Synced',
      message: 'settings synced',
      type: 'Normal',
      count: 1,
      source: { component: 'test-controller' },
      reportingComponent: 'test-controller',
    });
    expect(ev!.metadata!.name).toMatch(/^settings\.[0-9a-f]+$/);
    expect(ev!.firstTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(ev!.lastTimestamp).toBe(ev!.firstTimestamp);
  });

  it('folds repeats into one Event with a count, even when recorded back to back', async () => {
    const obj: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'busy', namespace: 'default', uid: 'u1' },
    };
    const rec = new ApiEventRecorder({ client: api.client, component: 'test-controller' });
    for (let i = 0; i < 5; i++) rec.event(obj, 'Warning', 'FailedMount', 'volume not found');
    rec.event(obj, 'Warning', 'FailedMount', 'another message');
    await rec.flush();
    const events = await eventsAbout('default', 'busy');
    const byMessage = Object.fromEntries(events.map((e) => [e.message, e.count]));
    expect(byMessage).toEqual({ 'volume not found': 5, 'another message': 1 });
  });

  it('puts events about cluster-scoped objects in the default namespace', async () => {
    const rec = new ApiEventRecorder({ client: api.client, component: 'node-controller' });
    rec.event(
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-9', uid: 'n9' } },
      'Normal',
      'RegisteredNode',
      'Node node-9 event: Registered Node node-9 in Controller',
    );
    await rec.flush();
    const [ev] = await eventsAbout('default', 'node-9');
    expect(ev).toMatchObject({ involvedObject: { kind: 'Node', name: 'node-9' }, reason: 'RegisteredNode' });
    expect(ev!.involvedObject.namespace).toBeUndefined();
  });

  it('creates a new Event when the one it would bump was deleted', async () => {
    const obj: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'gone', namespace: 'default', uid: 'u2' },
    };
    const rec = new ApiEventRecorder({ client: api.client, component: 'test-controller' });
    rec.event(obj, 'Normal', 'Tick', 'tick');
    await rec.flush();
    const [first] = await eventsAbout('default', 'gone');
    await api.client.resource('v1', 'Event').namespace('default').delete(first!.metadata!.name!);
    rec.event(obj, 'Normal', 'Tick', 'tick');
    await rec.flush();
    const after = await eventsAbout('default', 'gone');
    expect(after).toHaveLength(1);
    expect(after[0]!.count).toBe(1);
    expect(after[0]!.metadata!.name).not.toBe(first!.metadata!.name!);
  });

  it('never throws when the API refuses the event (logged and dropped)', async () => {
    const warnings: string[] = [];
    const rec = new ApiEventRecorder({
      client: api.client,
      component: 'test-controller',
      logger: { info: () => {}, error: () => {}, warn: (m) => warnings.push(m) },
    });
    rec.event({ kind: 'Pod', metadata: { name: 'x', namespace: 'no-such-namespace' } }, 'Normal', 'R', 'm');
    await rec.flush();
    expect(warnings).toEqual(['could not write event']);
  });
});

describe('MemoryEventRecorder', () => {
  it('keeps reason and message in order', () => {
    const rec = new MemoryEventRecorder();
    rec.event({ metadata: { name: 'a' } }, 'Normal', 'One', 'first');
    rec.event({ metadata: { name: 'a' } }, 'Warning', 'Two', 'second');
    expect(rec.lines()).toEqual(['One first', 'Two second']);
  });
});
