import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../api/client/index.ts';
import { MemoryEventRecorder } from '../../api/client/event-recorder.ts';
import { ServiceLbController } from './service-lb.ts';
import { startTestApi, stopController, type TestApi } from './testing/api.ts';

describe('ServiceLB controller against a real API server', () => {
  let api: TestApi;
  const ac = stopController();
  let run: Promise<void>;
  const recorder = new MemoryEventRecorder();
  const nodes = () => api.client.resource('v1', 'Node');
  const services = () => api.client.resource('v1', 'Service').namespace('default');
  const ingressOf = async (name: string) =>
    JSON.stringify(((await services().get(name)).status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip));

  async function node(name: string, ip: string, ready: boolean) {
    await nodes()
      .create({ metadata: { name } })
      .catch(() => undefined);
    await nodes().patch(
      name,
      'merge',
      {
        status: {
          addresses: [{ type: 'InternalIP', address: ip }],
          conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: 'Test' }],
        },
      },
      { subresource: 'status' },
    );
  }

  const until = (name: string, want: string[], description: string) =>
    pollUntil(async () => (await ingressOf(name)) === JSON.stringify(want), {
      timeoutMs: 30_000,
      description,
    });

  beforeAll(async () => {
    api = await startTestApi();
    await node('n1', '10.240.5.2', true);
    await node('n2', '10.240.5.10', true);
    await node('n3', '10.240.5.3', false);
    const informers = api.informers();
    const c = new ServiceLbController({ client: api.client, informers, recorder });
    informers.start(ac.signal);
    run = c.start(ac.signal);
  }, 60_000);
  afterAll(async () => {
    ac.abort();
    await run;
    await api?.close();
  });

  it('gives a LoadBalancer service the Ready nodes as its ingress, following node readiness', async () => {
    await services().create({
      metadata: { name: 'web' },
      spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    await until('web', ['10.240.5.2', '10.240.5.10'], 'ingress of the two Ready nodes');
    await node('n3', '10.240.5.3', true);
    await until('web', ['10.240.5.2', '10.240.5.3', '10.240.5.10'], 'n3 joins once Ready');
    await node('n1', '10.240.5.2', false);
    await until('web', ['10.240.5.3', '10.240.5.10'], 'n1 leaves when NotReady');
    expect(recorder.events.some((e) => e.reason === 'UpdatedLoadBalancer')).toBe(true);
  });

  it('clears the ingress when the service is no longer a LoadBalancer', async () => {
    await until('web', ['10.240.5.3', '10.240.5.10'], 'web still balanced');
    const svc = await services().get('web');
    await services().update({
      ...svc,
      spec: {
        ...svc.spec,
        type: 'ClusterIP',
        externalTrafficPolicy: undefined,
        ports: svc.spec.ports.map((p: any) => ({ ...p, nodePort: undefined })),
      },
    });
    await until('web', [], 'ingress cleared');
  });

  it('leaves services of another loadBalancerClass alone', async () => {
    await services().create({
      metadata: { name: 'other' },
      spec: {
        type: 'LoadBalancer',
        loadBalancerClass: 'example.com/lb',
        selector: { app: 'x' },
        ports: [{ port: 81 }],
      },
    });
    await services().create({
      metadata: { name: 'marker' },
      spec: { type: 'LoadBalancer', selector: { app: 'y' }, ports: [{ port: 82 }] },
    });
    // Once a later service is balanced, the earlier one has been seen too.
    await until('marker', ['10.240.5.3', '10.240.5.10'], 'marker balanced');
    expect(await ingressOf('other')).toBe('[]');
  });
});
