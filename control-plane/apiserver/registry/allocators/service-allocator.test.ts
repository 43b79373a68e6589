// ClusterIP and NodePort allocation through the real registry (memory and SQLite backends).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistries } from '../create-registries.ts';
import { backendCases, ctx, openHarness, type Harness } from '../testing/harness.ts';
import { StatusError } from '../../status.ts';

const svc = (name: string, spec: Record<string, unknown> = {}): Record<string, any> => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
});

for (const bc of backendCases) {
  describe(`service allocation (${bc.name})`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await openHarness(bc, {
        serviceNetwork: { serviceCIDR: '10.96.0.0/28', nodePortRange: '30000-30003' },
      });
    });
    afterEach(async () => {
      await h.close();
    });
    const services = () => h.r('/v1/services');
    const create = (s: Record<string, any>) => services().create(ctx(), 'default', s);
    const refusal = async (p: Promise<unknown>) => {
      const err = await p.then(
        () => undefined,
        (e) => e,
      );
      expect(err).toBeInstanceOf(StatusError);
      return (err as StatusError).status;
    };

    it('gives a ClusterIP from the range, or the one asked for, never one twice', async () => {
      const b = await create(svc('b', { clusterIP: '10.96.0.1' }));
      expect(b.spec.clusterIP).toBe('10.96.0.1');
      const a = await create(svc('a'));
      expect(a.spec.clusterIP).toMatch(/^10\.96\.0\.([2-9]|1[0-4])$/);
      expect(a.spec.clusterIPs).toEqual([a.spec.clusterIP]);
      const dup = await refusal(create(svc('c', { clusterIP: '10.96.0.1' })));
      expect(dup).toMatchObject({ code: 422, reason: 'Invalid' });
      expect(dup.message).toBe(
        'Service "c" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.1"]: failed to allocate IP 10.96.0.1: provided IP is already allocated',
      );
      const out = await refusal(create(svc('d', { clusterIP: '10.0.0.5' })));
      expect(out.message).toContain(
        'failed to allocate IP 10.0.0.5: provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/28',
      );
    });

    it('leaves headless and ExternalName services without an IP', async () => {
      expect((await create(svc('headless', { clusterIP: 'None' }))).spec.clusterIP).toBe('None');
      const ext = await services().create(ctx(), 'default', {
        metadata: { name: 'ext' },
        spec: { type: 'ExternalName', externalName: 'example.com' },
      });
      expect(ext.spec.clusterIP).toBeUndefined();
    });

    it('gives the IP back on delete and when a create fails', async () => {
      await create(svc('first', { clusterIP: '10.96.0.5' }));
      await services().delete(ctx(), 'default', 'first', {});
      expect((await create(svc('second', { clusterIP: '10.96.0.5' }))).spec.clusterIP).toBe('10.96.0.5');
      // A create refused after allocating (name taken) must not keep its IP.
      await refusal(create(svc('second', { clusterIP: '10.96.0.6' })));
      expect((await create(svc('third', { clusterIP: '10.96.0.6' }))).spec.clusterIP).toBe('10.96.0.6');
    });

    it('allocates node ports, refuses taken or out-of-range ones, and releases them when no longer needed', async () => {
      const np = await create(
        svc('np', {
          type: 'NodePort',
          ports: [
            { name: 'http', port: 80 },
            { name: 'https', port: 443, nodePort: 30003 },
          ],
        }),
      );
      const ports = np.spec.ports.map((p: { nodePort: number }) => p.nodePort);
      expect(ports[1]).toBe(30003);
      expect(ports[0]).toBeGreaterThanOrEqual(30000);
      expect(ports[0]).toBeLessThanOrEqual(30002);
      const taken = await refusal(
        create(svc('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: 30003 }] })),
      );
      expect(taken.message).toBe(
        'Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 30003: provided port is already allocated',
      );
      const range = await refusal(
        create(svc('np3', { type: 'NodePort', ports: [{ port: 80, nodePort: 31000 }] })),
      );
      expect(range.message).toContain(
        'provided port is not in the valid range. The range of valid ports is 30000-30003',
      );
      // Back to ClusterIP: the ports are free again.
      const current = await services().get(ctx(), 'default', 'np');
      await services().update(ctx(), 'default', 'np', {
        ...current,
        spec: {
          ...current.spec,
          type: 'ClusterIP',
          externalTrafficPolicy: undefined,
          ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }],
        },
      });
      expect(
        (await create(svc('np4', { type: 'NodePort', ports: [{ port: 80, nodePort: 30003 }] }))).spec.ports[0]
          .nodePort,
      ).toBe(30003);
    });

    it('keeps allocated values on a PUT that leaves them out, and allocates ports when the type changes', async () => {
      const a = await create(svc('keep'));
      const updated = await services().update(ctx(), 'default', 'keep', {
        ...a,
        spec: { selector: { app: 'keep' }, ports: [{ port: 80 }], type: 'NodePort' },
      });
      expect(updated.spec.clusterIP).toBe(a.spec.clusterIP);
      expect(updated.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
      const again = await services().update(ctx(), 'default', 'keep', {
        ...updated,
        spec: { selector: { app: 'keep' }, ports: [{ port: 80 }], type: 'NodePort' },
      });
      expect(again.spec.ports[0].nodePort).toBe(updated.spec.ports[0].nodePort);
    });

    it('gives a LoadBalancer with externalTrafficPolicy Local a health check node port, kept on update and released when the policy changes', async () => {
      const lb = await create(
        svc('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }),
      );
      const hc = lb.spec.healthCheckNodePort;
      expect(hc).toBeGreaterThanOrEqual(30000);
      expect(hc).toBeLessThanOrEqual(30003);
      expect(hc).not.toBe(lb.spec.ports[0].nodePort);
      // A PUT that leaves it out keeps it (kubectl apply of the original manifest).
      const kept = await services().update(ctx(), 'default', 'lb', {
        ...lb,
        spec: { ...lb.spec, healthCheckNodePort: undefined },
      });
      expect(kept.spec.healthCheckNodePort).toBe(hc);
      // Asking for a port someone holds is refused with upstream's words.
      const taken = await refusal(
        create(
          svc('lb2', {
            type: 'LoadBalancer',
            externalTrafficPolicy: 'Local',
            healthCheckNodePort: hc,
            ports: [{ port: 80 }],
          }),
        ),
      );
      expect(taken.message).toBe(
        `Service "lb2" is invalid: spec.healthCheckNodePort: Invalid value: ${hc}: failed to allocate requested HealthCheck NodePort ${hc}: provided port is already allocated`,
      );
      // Back to Cluster: the health check port is free again.
      await services().update(ctx(), 'default', 'lb', {
        ...kept,
        spec: { ...kept.spec, externalTrafficPolicy: 'Cluster', healthCheckNodePort: undefined },
      });
      const np = await create(svc('np', { type: 'NodePort', ports: [{ port: 80, nodePort: hc }] }));
      expect(np.spec.ports[0].nodePort).toBe(hc);
    });

    it('after a restart, never hands out what stored services hold', async () => {
      const held = new Set<string>();
      for (let i = 0; i < 6; i++) held.add((await create(svc(`s${i}`))).spec.clusterIP);
      // A new API server over the same store (the allocations are re-read from it).
      const registries = createRegistries(h.backend, { serviceNetwork: { serviceCIDR: '10.96.0.0/28' } });
      const r = registries.get('/v1/services')!;
      for (let i = 0; i < 8; i++) {
        const ip = (await r.create(ctx(), 'default', svc(`t${i}`))).spec.clusterIP;
        expect(held.has(ip)).toBe(false);
        held.add(ip);
      }
      const full = await refusal(r.create(ctx(), 'default', svc('full')));
      expect(full.message).toContain('failed to allocate a serviceIP: range is full');
    });
  });
}
