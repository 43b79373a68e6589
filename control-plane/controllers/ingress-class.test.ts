import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../api/client/index.ts';
import { IngressClassController, ingressPortsAnnotation } from './ingress-class.ts';
import { runControllers, startTestApi, type RunningControllers, type TestApi } from './testing/api.ts';

describe('ingress class controller against a real API server', () => {
  let api: TestApi;
  let controllers: RunningControllers;
  const classes = () => api.client.resource<any>('networking.k8s.io/v1', 'IngressClass');
  const ingresses = () => api.client.resource('networking.k8s.io/v1', 'Ingress').namespace('default');
  const statusIPs = async (name: string) =>
    JSON.stringify(((await ingresses().get(name)).status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip));

  async function node(name: string, ip: string, ingress: boolean) {
    await api.client
      .resource('v1', 'Node')
      .create({ metadata: { name, annotations: ingress ? { [ingressPortsAnnotation]: '80,443' } : {} } });
    await api.client.resource('v1', 'Node').patch(
      name,
      'merge',
      {
        status: {
          addresses: [{ type: 'InternalIP', address: ip }],
          conditions: [{ type: 'Ready', status: 'True', reason: 'Test' }],
        },
      },
      { subresource: 'status' },
    );
  }

  const ingress = (name: string, className?: string) =>
    ingresses().create({
      metadata: { name },
      spec: {
        ingressClassName: className,
        defaultBackend: { service: { name: 'web', port: { number: 80 } } },
      },
    });

  beforeAll(async () => {
    api = await startTestApi();
    await node('edge-1', '10.240.6.2', true);
    await node('edge-2', '10.240.6.3', true);
    await node('worker', '10.240.6.4', false);
    controllers = runControllers(api, (deps) => new IngressClassController(deps));
  }, 60_000);
  afterAll(async () => {
    await controllers?.stop();
    await api?.close();
  });

  it('creates the flotilla IngressClass as the default class', async () => {
    const cls = await pollUntil(
      () =>
        classes()
          .get('flotilla')
          .catch(() => undefined),
      {
        timeoutMs: 30_000,
        description: 'IngressClass flotilla',
      },
    );
    expect(cls.spec.controller).toBe('flotilla.io/ingress');
    expect(cls.metadata.annotations['ingressclass.kubernetes.io/is-default-class']).toBe('true');
  });

  it('publishes the nodes running the ingress in the status of its Ingresses, class-less ones included', async () => {
    await ingress('named', 'flotilla');
    await ingress('classless');
    await ingress('foreign', 'nginx');
    for (const name of ['named', 'classless'])
      await pollUntil(async () => (await statusIPs(name)) === '["10.240.6.2","10.240.6.3"]', {
        timeoutMs: 30_000,
        description: `${name} status`,
      });
    expect(await statusIPs('foreign')).toBe('[]');
  });

  it('brings the class back after a delete', async () => {
    const before = await classes().get('flotilla');
    await classes().delete('flotilla');
    await pollUntil(
      async () => {
        const c = await classes()
          .get('flotilla')
          .catch(() => undefined);
        return c && c.metadata.uid !== before.metadata.uid;
      },
      { timeoutMs: 30_000, description: 'IngressClass recreated' },
    );
  });
});
