import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../api/client/index.ts';
import { ClusterDnsController, clusterDnsAnnotation, serviceIPAt } from './cluster-dns.ts';
import { runControllers, startTestApi, type RunningControllers, type TestApi } from './testing/api.ts';

describe('cluster DNS controller against a real API server', () => {
  let api: TestApi;
  let controllers: RunningControllers;
  const nodes = () => api.client.resource('v1', 'Node');
  const sliceIPs = async () => {
    const slice = await api.client
      .resource<any>('discovery.k8s.io/v1', 'EndpointSlice')
      .namespace('kube-system')
      .get('kube-dns')
      .catch(() => undefined);
    return (slice?.endpoints ?? []).flatMap((e: { addresses: string[] }) => e.addresses).sort();
  };

  async function node(name: string, ip: string, opts: { dns: boolean; ready: boolean }) {
    await nodes().create({
      metadata: { name, annotations: opts.dns ? { [clusterDnsAnnotation]: `${ip}:53` } : {} },
    });
    await setReady(name, ip, opts.ready);
  }

  async function setReady(name: string, ip: string, ready: boolean) {
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

  beforeAll(async () => {
    api = await startTestApi();
    controllers = runControllers(api, (deps) => new ClusterDnsController(deps));
  }, 60_000);
  afterAll(async () => {
    await controllers?.stop();
    await api?.close();
  });

  it('takes the 10th address of the service range, like kubeadm', () => {
    expect(serviceIPAt('10.96.0.0/12', 10)).toBe('10.96.0.10');
    expect(serviceIPAt('172.20.0.0/16', 10)).toBe('172.20.0.10');
    expect(() => serviceIPAt('10.0.0.0/30', 10)).toThrow(/no address/);
  });

  it('creates the selector-less kube-dns Service on 10.96.0.10 with the dns, dns-tcp and metrics ports', async () => {
    const svc = await pollUntil(
      () =>
        api.client
          .resource('v1', 'Service')
          .namespace('kube-system')
          .get('kube-dns')
          .catch(() => undefined),
      { timeoutMs: 30_000, description: 'kube-dns service' },
    );
    expect(svc.spec.clusterIP).toBe('10.96.0.10');
    expect(svc.spec.selector).toBeUndefined();
    expect(svc.spec.ports.map((p: any) => `${p.name}:${p.port}/${p.protocol}`)).toEqual([
      'dns:53/UDP',
      'dns-tcp:53/TCP',
      'metrics:9153/TCP',
    ]);
  });

  it('lists every Ready node that serves DNS, and drops one that turns NotReady', async () => {
    await node('dns-a', '10.240.9.2', { dns: true, ready: true });
    await node('dns-b', '10.240.9.3', { dns: true, ready: true });
    await node('plain', '10.240.9.4', { dns: false, ready: true });
    await node('sick', '10.240.9.5', { dns: true, ready: false });
    await pollUntil(async () => JSON.stringify(await sliceIPs()) === '["10.240.9.2","10.240.9.3"]', {
      timeoutMs: 30_000,
      description: 'slice with both DNS nodes',
    });
    await setReady('dns-b', '10.240.9.3', false);
    await pollUntil(async () => JSON.stringify(await sliceIPs()) === '["10.240.9.2"]', {
      timeoutMs: 30_000,
      description: 'slice without the NotReady node',
    });
    const slice = await api.client
      .resource<any>('discovery.k8s.io/v1', 'EndpointSlice')
      .namespace('kube-system')
      .get('kube-dns');
    expect(slice.endpoints[0]).toMatchObject({ nodeName: 'dns-a', conditions: { ready: true } });
    expect(slice.metadata.labels['kubernetes.io/service-name']).toBe('kube-dns');
    const endpoints = await api.client.resource('v1', 'Endpoints').namespace('kube-system').get('kube-dns');
    expect(endpoints.subsets[0].addresses.map((a: any) => a.ip)).toEqual(['10.240.9.2']);
  });

  it('puts the Service back when someone deletes it', async () => {
    const services = api.client.resource<any>('v1', 'Service').namespace('kube-system');
    const before = await services.get('kube-dns');
    await services.delete('kube-dns');
    await pollUntil(
      async () => {
        const svc = await services.get('kube-dns').catch(() => undefined);
        return svc && svc.metadata.uid !== before.metadata.uid;
      },
      { timeoutMs: 30_000, description: 'kube-dns recreated' },
    );
  });
});
