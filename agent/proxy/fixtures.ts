// Services and EndpointSlices for proxy tests and the proxy benchmark.
import type { EndpointSlice } from '../../api/types/endpoint-slice.ts';
import type { Service, ServicePort, ServiceSpec } from '../../api/types/service.ts';

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
