// Services as a user sees them: the kubernetes Service, ClusterIPs and node ports allocated
// from their ranges (a taken one refused with upstream's message), and Endpoints and
// EndpointSlices following the pods behind a service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advertiseAddress } from '../../control-plane/controllers/kubernetes-service.ts';
import { startInfraCluster, until, type InfraCluster } from './infra-cluster.ts';

const ipToInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const inServiceRange = (ip: string) =>
  ipToInt(ip) > ipToInt('10.96.0.0') && ipToInt(ip) < ipToInt('10.111.255.255');

describe('services, endpoints and endpoint slices with kubectl', () => {
  let c: InfraCluster;
  beforeAll(async () => {
    c = await startInfraCluster({ nodes: 3 });
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  });

  it(
    'has the kubernetes Service at 10.96.0.1:443 pointing at the API server',
    { timeout: 120_000 },
    async () => {
      const svc = await until(
        async () => (await c.kubectl(['get', 'svc', 'kubernetes', '-o', 'json'])).stdout,
        'kubernetes service',
      );
      expect(JSON.parse(svc).spec).toMatchObject({
        clusterIP: '10.96.0.1',
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: c.plane.port }],
      });
      // The API server listens on loopback; the host's own address is advertised, like upstream
      // (a machine with no other address has none to offer).
      const advertised = advertiseAddress('127.0.0.1');
      if (!advertised) return;
      const ep = await until(
        async () => (await c.kubectl(['get', 'endpoints', 'kubernetes', '-o', 'json'])).stdout,
        'kubernetes endpoints',
      );
      expect(JSON.parse(ep).subsets).toEqual([
        { addresses: [{ ip: advertised }], ports: [{ name: 'https', port: c.plane.port, protocol: 'TCP' }] },
      ]);
    },
  );

  it('exposes a deployment: a ClusterIP from 10.96.0.0/12 and an endpoint per ready pod', async () => {
    await c.k('create', 'deployment', 'web', '--image=nginx', '--replicas=3', '--port=8080');
    await c.k('rollout', 'status', 'deployment/web', '--timeout=90s');
    await c.k('expose', 'deployment', 'web', '--port=80', '--target-port=8080');
    const svc = await c.json('service', 'web');
    expect(inServiceRange(svc.spec.clusterIP)).toBe(true);
    expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP]);
    const podIPs = (await c.json('pods', '-l', 'app=web')).items.map((p: any) => p.status.podIP).sort();
    const ep = await until(async () => {
      const e = await c.json('endpoints', 'web');
      return e.subsets?.[0]?.addresses?.length === 3 && e;
    }, 'three endpoint addresses');
    expect(ep.subsets[0].addresses.map((a: any) => a.ip).sort()).toEqual(podIPs);
    expect(ep.subsets[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    const slices = (await c.json('endpointslices', '-l', 'kubernetes.io/service-name=web')).items;
    expect(slices).toHaveLength(1);
    expect(slices[0].metadata.labels['endpointslice.kubernetes.io/managed-by']).toBe(
      'endpointslice-controller.k8s.io',
    );
    expect(slices[0].endpoints.map((e: any) => e.addresses[0]).sort()).toEqual(podIPs);
    expect(slices[0].endpoints.every((e: any) => e.conditions.ready && e.nodeName && e.zone)).toBe(true);
    expect(await c.k('get', 'endpoints', 'web')).toMatch(/web\s+\S+:8080,\S+:8080,\S+:8080/);
  }, 120_000);

  it('follows the pods: scaling down leaves fewer endpoints', async () => {
    await c.k('scale', 'deployment/web', '--replicas=1');
    await until(
      async () => (await c.json('endpoints', 'web')).subsets?.[0]?.addresses?.length === 1,
      'one endpoint',
    );
    await until(async () => {
      const slices = (await c.json('endpointslices', '-l', 'kubernetes.io/service-name=web')).items;
      return (
        slices.flatMap((s: any) => s.endpoints ?? []).filter((e: any) => !e.conditions.terminating).length ===
        1
      );
    }, 'one endpoint in slices');
  }, 120_000);

  it('allocates node ports from 30000-32767 and refuses taken addresses and ports', async () => {
    await c.k('create', 'service', 'nodeport', 'np', '--tcp=80:8080');
    const np = await c.json('service', 'np');
    expect(np.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(np.spec.ports[0].nodePort).toBeLessThanOrEqual(32767);
    const taken = await c.kubectl([
      'create',
      'service',
      'nodeport',
      'np2',
      '--tcp=80:8080',
      `--node-port=${np.spec.ports[0].nodePort}`,
    ]);
    expect(taken.stderr).toContain(
      `Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: ${np.spec.ports[0].nodePort}: provided port is already allocated`,
    );
    const ip = (await c.json('service', 'web')).spec.clusterIP;
    const dup = await c.kubectl([
      'create',
      'service',
      'clusterip',
      'dup',
      '--tcp=80:80',
      `--clusterip=${ip}`,
    ]);
    expect(dup.stderr).toContain(`failed to allocate IP ${ip}: provided IP is already allocated`);
    // Deleting a service frees its address.
    await c.k('delete', 'service', 'web');
    await c.k('create', 'service', 'clusterip', 'reuse', '--tcp=80:80', `--clusterip=${ip}`);
    expect((await c.json('service', 'reuse')).spec.clusterIP).toBe(ip);
  }, 120_000);
});
