import { afterEach, describe, expect, it } from 'vitest';
import { Client, inProcessTransport, pollUntil, silentLogger, type KubeObject } from '../api/client/index.ts';
import { FakeApiServer } from '../api/client/fake-apiserver.ts';
import { startClusterDns } from './dns/run.ts';
import { queryDns } from './dns/query.ts';
import { startIngress } from './ingress/run.ts';
import { agentInformerFactory, componentInformers, removeOnAbort } from './informers.ts';

const services = '/v1/services';
const slices = 'discovery.k8s.io/v1/endpointslices';
const service = (name: string, clusterIP: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { clusterIP, clusterIPs: [clusterIP], ports: [{ port: 80, protocol: 'TCP' }] },
});

const stops: AbortController[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const s of stops.splice(0)) s.abort();
});

function setup() {
  const server = new FakeApiServer();
  const client = new Client(inProcessTransport(server));
  const stop = new AbortController();
  stops.push(stop);
  const watchesOf = (path: string) => server.log.filter((l) => l.method === 'WATCH' && l.path === path);
  return { server, client, stop, watchesOf };
}

describe('the agent informer factory', () => {
  it('gives cluster DNS and the ingress one Service and one EndpointSlice watch between them', async () => {
    const { server, client, stop, watchesOf } = setup();
    server.create(services, service('web', '10.96.0.20'));
    const informers = agentInformerFactory(client, silentLogger);
    informers.start(stop.signal);
    const dns = await startClusterDns(
      {
        client,
        listen: '127.0.0.1:0',
        clusterDomain: 'cluster.local',
        upstreams: [],
        metricsPort: 0,
        informers,
        logger: silentLogger,
      },
      stop.signal,
    );
    closers.push(() => dns.close());
    const ingress = await startIngress(
      { client, address: '127.0.0.1', httpPort: 0, httpsPort: 0, informers, logger: silentLogger },
      stop.signal,
    );
    closers.push(() => ingress.close());

    expect(watchesOf('/api/v1/services')).toHaveLength(1);
    expect(watchesOf('/apis/discovery.k8s.io/v1/endpointslices')).toHaveLength(1);
    // DNS's indexes were added to the cache the ingress shares, so lookups by cluster IP work
    // for Services that were there before and ones created since.
    server.create(services, service('api', '10.96.0.21'));
    const ask = (name: string) => queryDns({ host: '127.0.0.1', port: dns.port, name, type: 'A' });
    await pollUntil(async () => (await ask('api.default.svc.cluster.local')).answers.length === 1, {
      timeoutMs: 20_000,
      intervalMs: 20,
      description: 'the new Service to resolve',
    });
    const reverse = await queryDns({
      host: '127.0.0.1',
      port: dns.port,
      name: '20.0.96.10.in-addr.arpa',
      type: 'PTR',
    });
    expect(reverse.answers.map((a) => (a as { data?: unknown }).data)).toEqual([
      'web.default.svc.cluster.local',
    ]);
    const lists = server.log.filter((l) => l.method === 'GET' && l.path === `/apis/${slices}`);
    expect(lists).toHaveLength(1);
  });

  it('gives a component run alone its own informers, stopped with its signal', async () => {
    const { server, client, stop } = setup();
    const own = componentInformers({ client, logger: silentLogger }, stop.signal);
    const informer = own.informerFor('v1', 'Service');
    await informer.waitForSync({ timeoutMs: 20_000 });
    await pollUntil(() => server.openWatches === 1, { timeoutMs: 20_000, description: 'the watch' });
    stop.abort();
    await own.stopped();
    expect(server.openWatches).toBe(0);
  });

  it('takes a stopped component’s handlers off the shared informers', async () => {
    const { server, client, stop } = setup();
    const informers = agentInformerFactory(client, silentLogger);
    informers.start(stop.signal);
    const component = new AbortController();
    const heard: string[] = [];
    const informer = informers.informerFor('v1', 'Service');
    removeOnAbort(
      component.signal,
      informer.addEventHandler({ onAdd: (s) => heard.push(s.metadata!.name!) }),
    );
    await informer.waitForSync({ timeoutMs: 20_000 });
    server.create(services, service('before', '10.96.0.30'));
    await pollUntil(() => heard.length === 1, { timeoutMs: 20_000, description: 'the first add' });
    component.abort();
    server.create(services, service('after', '10.96.0.31'));
    await pollUntil(() => informer.get('default/after') !== undefined, {
      timeoutMs: 20_000,
      description: 'the shared cache to see the second Service',
    });
    expect(heard).toEqual(['before']);
  });
});
