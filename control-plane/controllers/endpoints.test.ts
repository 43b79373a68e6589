import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil, type KubeObject } from '../../api/client/index.ts';
import { EndpointSliceController, planSlices } from './endpoint-slice.ts';
import { EndpointsController } from './endpoints.ts';
import { MemoryEventRecorder } from '../../api/client/event-recorder.ts';
import { KubernetesServiceController } from './kubernetes-service.ts';
import { startTestApi, stopController, type TestApi } from './testing/api.ts';

describe('planSlices', () => {
  const ep = (ip: string) => ({ addresses: [ip], targetRef: { kind: 'Pod', uid: ip } });
  const slice = (name: string, ips: string[]) => ({
    metadata: { name },
    addressType: 'IPv4' as const,
    ports: [],
    endpoints: ips.map(ep),
  });
  it('keeps endpoints in their slice, fills free room, and cuts new ones into slices of at most max', () => {
    const desired = new Map([
      [
        '[]',
        {
          ports: [],
          endpoints: new Map(
            ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6'].map((ip) => [ip, ep(ip)]),
          ),
        },
      ],
    ]);
    const plan = planSlices([slice('a', ['10.0.0.1', '10.0.0.2']), slice('b', ['10.0.0.3'])], desired, 2);
    expect(plan.update.map((u) => [u.slice.metadata!.name, u.endpoints.map((e) => e.addresses[0])])).toEqual([
      ['a', ['10.0.0.2', '10.0.0.4']],
      ['b', ['10.0.0.3', '10.0.0.5']],
    ]);
    expect(plan.create.map((c) => c.endpoints.map((e) => e.addresses[0]))).toEqual([['10.0.0.6']]);
    expect(plan.delete).toEqual([]);
  });
  it('deletes slices of port sets no longer wanted', () => {
    const old = { ...slice('old', ['10.0.0.1']), ports: [{ name: 'x', port: 1 }] };
    const plan = planSlices(
      [old],
      new Map([['[]', { ports: [], endpoints: new Map([['10.0.0.1', ep('10.0.0.1')]]) }]]),
      100,
    );
    expect(plan.delete.map((s) => s.metadata!.name)).toEqual(['old']);
    expect(plan.create).toHaveLength(1);
  });
});

describe('Endpoints, EndpointSlice and kubernetes Service controllers against a real API server', () => {
  let api: TestApi;
  const ac = stopController();
  let runs: Promise<void>[];
  beforeAll(async () => {
    api = await startTestApi();
    const informers = api.informers();
    const config = { client: api.client, informers, recorder: new MemoryEventRecorder() };
    const controllers = [
      new EndpointsController(config),
      new EndpointSliceController({ ...config, maxEndpointsPerSlice: 2 }),
      new KubernetesServiceController({ ...config, endpointIP: '192.168.1.10', endpointPort: 6443 }),
    ];
    informers.start(ac.signal);
    runs = controllers.map((c) => c.start(ac.signal));
  }, 60_000);
  afterAll(async () => {
    ac.abort();
    await Promise.all(runs);
    await api?.close();
  });

  const ns = 'default';
  const pods = () => api.client.resource('v1', 'Pod').namespace(ns);
  const endpointsOf = (name: string) =>
    api.client
      .resource('v1', 'Endpoints')
      .namespace(ns)
      .get(name)
      .catch(() => undefined);
  const slicesOf = async (name: string) =>
    (
      await api.client
        .resource('discovery.k8s.io/v1', 'EndpointSlice')
        .namespace(ns)
        .list({ labelSelector: `kubernetes.io/service-name=${name}` })
    ).items;

  async function runPod(name: string, ip: string, ready: boolean, extra: KubeObject = {}) {
    const p = await pods().create({
      metadata: { name, labels: { app: 'web' } },
      spec: {
        nodeName: 'node-1',
        containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }],
        ...extra,
      },
    });
    return pods().updateStatus({
      ...p,
      status: {
        phase: 'Running',
        podIP: ip,
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      },
    });
  }

  it('creates the kubernetes Service at 10.96.0.1 with Endpoints to the API server', async () => {
    const svc = await pollUntil(
      () =>
        api.client
          .resource('v1', 'Service')
          .namespace('default')
          .get('kubernetes')
          .catch(() => undefined),
      {
        timeoutMs: 30_000,
      },
    );
    expect(svc.spec).toMatchObject({
      clusterIP: '10.96.0.1',
      ports: [{ name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' }],
    });
    const ep = await pollUntil(() => endpointsOf('kubernetes'), { timeoutMs: 30_000 });
    expect(ep.subsets).toEqual([
      { addresses: [{ ip: '192.168.1.10' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
    ]);
  });

  it('lists ready pods as addresses and others as not ready, resolving named target ports', async () => {
    await api.client
      .resource('v1', 'Service')
      .namespace(ns)
      .create({
        metadata: { name: 'web', labels: { tier: 'front' } },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      });
    await runPod('web-1', '10.244.1.5', true);
    await runPod('web-2', '10.244.1.6', false);
    const ep = await pollUntil(
      async () => {
        const e = await endpointsOf('web');
        return e?.subsets?.[0]?.notReadyAddresses?.length === 1 && e.subsets[0].addresses?.length === 1
          ? e
          : undefined;
      },
      { timeoutMs: 30_000, description: 'Endpoints with one ready and one not ready address' },
    );
    expect(ep.metadata!.labels).toEqual({ tier: 'front' });
    expect(ep.subsets).toEqual([
      {
        addresses: [
          {
            ip: '10.244.1.5',
            nodeName: 'node-1',
            targetRef: { kind: 'Pod', namespace: ns, name: 'web-1', uid: expect.any(String) },
          },
        ],
        notReadyAddresses: [
          {
            ip: '10.244.1.6',
            nodeName: 'node-1',
            targetRef: { kind: 'Pod', namespace: ns, name: 'web-2', uid: expect.any(String) },
          },
        ],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('keeps EndpointSlices of at most maxEndpointsPerSlice, labelled, owned and with conditions', async () => {
    await runPod('web-3', '10.244.1.7', true);
    const slices = await pollUntil(
      async () => {
        const s = await slicesOf('web');
        return s.reduce((n, x) => n + (x.endpoints?.length ?? 0), 0) === 3 ? s : undefined;
      },
      { timeoutMs: 30_000, description: '3 endpoints in slices' },
    );
    expect(slices).toHaveLength(2);
    for (const s of slices) {
      expect(s.endpoints.length).toBeLessThanOrEqual(2);
      expect(s.metadata!.labels).toMatchObject({
        'kubernetes.io/service-name': 'web',
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        tier: 'front',
      });
      expect(s.metadata!.ownerReferences).toMatchObject([
        { kind: 'Service', name: 'web', controller: true, blockOwnerDeletion: true },
      ]);
      expect(s.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
      expect(s.metadata!.name).toMatch(/^web-/);
    }
    const all = slices.flatMap((s) => s.endpoints);
    expect(all.find((e: KubeObject) => e.addresses[0] === '10.244.1.6').conditions).toEqual({
      ready: false,
      serving: false,
      terminating: false,
    });
    expect(all.find((e: KubeObject) => e.addresses[0] === '10.244.1.5')).toMatchObject({
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: 'node-1',
      targetRef: { kind: 'Pod', name: 'web-1' },
    });
  });

  it('shows a terminating pod as serving and terminating in slices, and drops it from Endpoints', async () => {
    await pods().delete('web-1', { gracePeriodSeconds: 30 });
    await pollUntil(
      async () => {
        const e = (await slicesOf('web'))
          .flatMap((s) => s.endpoints)
          .find((x: KubeObject) => x.addresses[0] === '10.244.1.5');
        return (
          e?.conditions?.terminating === true && e.conditions.serving === true && e.conditions.ready === false
        );
      },
      { timeoutMs: 30_000, description: 'a terminating endpoint' },
    );
    await pollUntil(
      async () => {
        const ips = ((await endpointsOf('web'))?.subsets ?? []).flatMap((s: KubeObject) =>
          (s.addresses ?? []).map((a: KubeObject) => a.ip),
        );
        return !ips.includes('10.244.1.5');
      },
      { timeoutMs: 30_000 },
    );
  });

  it('gives pods of a headless service with that subdomain a hostname', async () => {
    await api.client
      .resource('v1', 'Service')
      .namespace(ns)
      .create({
        metadata: { name: 'db' },
        spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] },
      });
    const p = await pods().create({
      metadata: { name: 'db-0', labels: { app: 'db' } },
      spec: {
        hostname: 'db-0',
        subdomain: 'db',
        nodeName: 'node-1',
        containers: [{ name: 'c', image: 'postgres' }],
      },
    });
    await pods().updateStatus({
      ...p,
      status: { phase: 'Running', podIP: '10.244.1.9', conditions: [{ type: 'Ready', status: 'True' }] },
    });
    const ep = await pollUntil(async () => (await endpointsOf('db'))?.subsets?.[0], { timeoutMs: 30_000 });
    expect(ep.addresses[0]).toMatchObject({ ip: '10.244.1.9', hostname: 'db-0' });
    const [slice] = await pollUntil(
      async () => {
        const s = await slicesOf('db');
        return s[0]?.endpoints?.length ? s : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(slice!.endpoints[0].hostname).toBe('db-0');
    expect(slice!.metadata!.labels!['service.kubernetes.io/headless']).toBe('');
  });

  it('removes the Endpoints when the service goes', async () => {
    await api.client.resource('v1', 'Service').namespace(ns).delete('db');
    await pollUntil(async () => !(await endpointsOf('db')), {
      timeoutMs: 30_000,
      description: 'db Endpoints to go',
    });
  });
});
