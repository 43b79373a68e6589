import { describe, expect, it } from 'vitest';
import type { Node, Service } from '../../api/types/index.ts';
import { ingressPortsAnnotation, targets, wantedPorts } from './wanted-ports.ts';

const svc = (name: string, created: string, spec: Service['spec']): Service => ({
  metadata: { name, namespace: 'default', creationTimestamp: created },
  spec,
});
const node = (name: string, ip: string, ready: boolean, annotations: Record<string, string> = {}): Node => ({
  metadata: { name, annotations },
  status: {
    addresses: [{ type: 'InternalIP', address: ip }],
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  },
});

describe('wanted host ports', () => {
  it('forwards TCP and UDP nodePorts and load balancer ports; ClusterIP ports stay on the nodes', () => {
    const { ports } = wantedPorts(
      [
        svc('np', '2026-01-01T00:00:00Z', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }),
        svc('lb', '2026-01-01T00:00:01Z', {
          type: 'LoadBalancer',
          ports: [
            { port: 443, nodePort: 30443 },
            { port: 53, nodePort: 30053, protocol: 'UDP' },
          ],
        }),
        svc('lb-no-nodeport', '2026-01-01T00:00:01Z', { type: 'LoadBalancer', ports: [{ port: 8443 }] }),
        svc('cip', '2026-01-01T00:00:02Z', { type: 'ClusterIP', ports: [{ port: 81 }] }),
      ],
      { http: 8080, https: 0 },
    );
    expect(ports.map((p) => `${p.hostPort}/${p.protocol}->${p.nodes}:${p.nodePort} ${p.owner}`)).toEqual([
      '8080/TCP->ingress-http:0 ingress',
      '30080/TCP->ready:30080 default/np',
      '30443/TCP->ready:30443 default/lb',
      '443/TCP->ready:30443 default/lb',
      '30053/UDP->ready:30053 default/lb',
      '53/UDP->ready:30053 default/lb',
      '8443/TCP->ready:8443 default/lb-no-nodeport',
    ]);
  });

  it('gives a contested host port to the older service and reports the other', () => {
    const { ports, conflicts } = wantedPorts(
      [
        svc('newer', '2026-01-02T00:00:00Z', {
          type: 'LoadBalancer',
          ports: [{ port: 80, nodePort: 30002 }],
        }),
        svc('older', '2026-01-01T00:00:00Z', {
          type: 'LoadBalancer',
          ports: [{ port: 80, nodePort: 30001 }],
        }),
      ],
      undefined,
    );
    expect(ports.find((p) => p.hostPort === 80)?.owner).toBe('default/older');
    expect(conflicts.map((c) => `${c.port.owner} ${c.port.hostPort} held by ${c.holder}`)).toEqual([
      'default/newer 80 held by default/older',
    ]);
  });

  it('sends connections to Ready nodes only, and ingress ports to nodes running the ingress', () => {
    const nodes = [
      node('b', '10.0.0.3', true, { [ingressPortsAnnotation]: '80,443' }),
      node('a', '10.0.0.2', true),
      node('c', '10.0.0.4', false, { [ingressPortsAnnotation]: '80,443' }),
    ];
    expect(targets(nodes, { nodes: 'ready', nodePort: 30080 })).toEqual([
      { host: '10.0.0.2', port: 30080 },
      { host: '10.0.0.3', port: 30080 },
    ]);
    expect(targets(nodes, { nodes: 'ingress-https', nodePort: 0 })).toEqual([
      { host: '10.0.0.3', port: 443 },
    ]);
  });

  it('sends externalTrafficPolicy Local services only to nodes with an endpoint', () => {
    const nodes = [node('a', '10.0.0.2', true), node('b', '10.0.0.3', true)];
    const local = svc('local', '2026-01-01T00:00:00Z', {
      type: 'NodePort',
      externalTrafficPolicy: 'Local',
      ports: [{ port: 80, nodePort: 30090 }],
    });
    const cluster = svc('cluster', '2026-01-01T00:00:00Z', {
      type: 'NodePort',
      ports: [{ port: 80, nodePort: 30091 }],
    });
    expect(targets(nodes, { nodes: 'ready', nodePort: 30090, service: local }, new Set(['b']))).toEqual([
      { host: '10.0.0.3', port: 30090 },
    ]);
    expect(
      targets(nodes, { nodes: 'ready', nodePort: 30091, service: cluster }, new Set(['b'])),
    ).toHaveLength(2);
  });
});
