// Services and EndpointSlices for proxy tests and the proxy benchmark.
import type { EndpointSlice } from '../../api/types/endpoint-slice.ts';
import type { Service, ServicePort, ServiceSpec } from '../../api/types/service.ts';
import { servicePortsOf, type ProxyServicePort } from './service-ports.ts';

/** A Service with one TCP port 80 unless `spec` says otherwise; `lbIPs` go in its status. */
export function makeService(
  ns: string,
  name: string,
  clusterIP: string,
  spec: Partial<ServiceSpec> = {},
  lbIPs: string[] = [],
): Service {
  const ports: ServicePort[] = [{ port: 80, protocol: 'TCP' }];
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: ns, name },
    spec: { type: 'ClusterIP', clusterIP, ports, ...spec },
    status: { loadBalancer: { ingress: lbIPs.map((ip) => ({ ip })) } },
  };
}

export interface EndpointSpec {
  ip: string;
  node?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

/** One slice for `service` with these endpoints on these ports ({name, port, protocol}). */
export function makeSlice(
  ns: string,
  service: string,
  endpoints: EndpointSpec[],
  ports: { name?: string; port: number; protocol?: 'TCP' | 'UDP' }[] = [{ port: 8080 }],
  sliceName = `${service}-abcde`,
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: ns, name: sliceName, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      nodeName: e.node ?? 'node-1',
      conditions: {
        ready: e.ready ?? true,
        serving: e.serving ?? e.ready ?? true,
        terminating: e.terminating ?? false,
      },
    })),
    ports: ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
  };
}

/**
 * The rule builders' golden sample, on node-1: ClusterIP with affinity, a UDP NodePort without
 * endpoints, LoadBalancer with externalTrafficPolicy Local, LoadBalancer with source ranges.
 */
export function sampleServicePorts(): ProxyServicePort[] {
  const NODE = 'node-1';
  return [
    // ClusterIP with a named port, session affinity, one terminating endpoint left out.
    ...servicePortsOf(
      makeService('default', 'web', '10.96.0.10', {
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }],
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
      }),
      [
        makeSlice(
          'default',
          'web',
          [
            { ip: '10.244.1.2' },
            { ip: '10.244.2.2', node: 'node-2' },
            { ip: '10.244.1.3', ready: false, serving: true, terminating: true },
          ],
          [{ name: 'http', port: 8080 }],
        ),
      ],
      NODE,
    ),
    // UDP NodePort without endpoints: rejected.
    ...servicePortsOf(
      makeService('default', 'empty', '10.96.0.11', {
        type: 'NodePort',
        ports: [{ port: 53, protocol: 'UDP', nodePort: 30053 }],
      }),
      [],
      NODE,
    ),
    // LoadBalancer, externalTrafficPolicy Local, its only endpoint on another node.
    ...servicePortsOf(
      makeService(
        'default',
        'lb',
        '10.96.0.12',
        {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          healthCheckNodePort: 31000,
          ports: [{ port: 443, protocol: 'TCP', nodePort: 30443 }],
        },
        ['10.240.7.2'],
      ),
      [makeSlice('default', 'lb', [{ ip: '10.244.2.5', node: 'node-2' }], [{ port: 8443 }])],
      NODE,
    ),
    // NodePort with three endpoints and loadBalancerSourceRanges on a LoadBalancer.
    ...servicePortsOf(
      makeService(
        'shop',
        'api',
        '10.96.0.13',
        {
          type: 'LoadBalancer',
          loadBalancerSourceRanges: ['192.168.0.0/16'],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP', nodePort: 30080 }],
        },
        ['10.240.7.100'],
      ),
      [
        makeSlice(
          'shop',
          'api',
          [{ ip: '10.244.1.7' }, { ip: '10.244.2.7', node: 'node-2' }, { ip: '10.244.3.7', node: 'node-3' }],
          [{ name: 'http', port: 80 }],
        ),
      ],
      NODE,
    ),
  ];
}
