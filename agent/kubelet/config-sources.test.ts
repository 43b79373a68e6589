import { describe, expect, it } from 'vitest';
import { Client } from '../../api/client/index.ts';
import { FakeApiServer } from '../../api/client/fake-apiserver.ts';
import { inProcessTransport } from '../../api/client/transport-in-process.ts';
import { FakeClock } from '../../api/client/clock.ts';
import { ConfigSources, REUSE_MS } from './config-sources.ts';

const CONFIGMAPS = '/v1/configmaps'; // the fake's collection key: group/version/plural
const reads = (server: FakeApiServer, name: string) =>
  server.log.filter((r) => r.method === 'GET' && r.path.endsWith(`/configmaps/${name}`)).length;

describe('ConfigMaps and Secrets for pods', () => {
  it('serves a burst of pods reading the same ConfigMap with one GET, each with its own keys', async () => {
    const server = new FakeApiServer();
    server.create(CONFIGMAPS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-root-ca.crt', namespace: 'default' },
      data: { 'ca.crt': 'PEM' },
    } as never);
    const sources = new ConfigSources(new Client(inProcessTransport(server)));
    const burst = await Promise.all(
      Array.from({ length: 25 }, () => sources.configMap('default', 'kube-root-ca.crt')),
    );
    expect(reads(server, 'kube-root-ca.crt')).toBe(1);
    expect(burst.every((kv) => kv?.get('ca.crt')?.toString() === 'PEM')).toBe(true);
    burst[0]!.delete('ca.crt');
    expect(burst[1]!.has('ca.crt')).toBe(true);
  });

  it('reads again once the earlier answer is a second old, so updates reach the next sync', async () => {
    const server = new FakeApiServer();
    server.create(CONFIGMAPS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'default' },
      data: { mode: 'a' },
    } as never);
    const clock = new FakeClock();
    const sources = new ConfigSources(new Client(inProcessTransport(server)), clock);
    expect((await sources.configMap('default', 'settings'))?.get('mode')?.toString()).toBe('a');
    server.modify(CONFIGMAPS, 'default', 'settings', (cm) => ((cm as { data: object }).data = { mode: 'b' }));
    // A pod starting right after the first shares its answer.
    clock.step(REUSE_MS - 1);
    expect((await sources.configMap('default', 'settings'))?.get('mode')?.toString()).toBe('a');
    clock.step(1);
    expect((await sources.configMap('default', 'settings'))?.get('mode')?.toString()).toBe('b');
    expect(reads(server, 'settings')).toBe(2);
    expect(await sources.configMap('default', 'missing')).toBeUndefined();
  });
});
