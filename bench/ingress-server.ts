// The servers of the ingress benchmark, each in its own process (like a pod and a node's
// agent): `backend` answers every GET with 512 bytes; `proxy BACKEND_PORT` runs the ingress proxy
// with one Ingress (host bench.test, Prefix /app) to a Service whose EndpointSlice is the
// backend. Prints the port it listens on, then serves until killed.
import { createServer } from 'node:http';
import { Store } from '../api/client/index.ts';
import {
  serviceIndexers,
  sliceIndexers,
  type ServiceObject,
  type SliceObject,
} from '../agent/dns/cluster-records.ts';
import { CertificateTable } from '../agent/ingress/certificates.ts';
import { selfSignedCertificate } from '../agent/ingress/self-signed.ts';
import { EndpointPicker } from '../agent/ingress/endpoint-picker.ts';
import { IngressProxy } from '../agent/ingress/proxy.ts';
import { RouteTable } from '../agent/ingress/routes.ts';

const [mode, backendPort] = process.argv.slice(2);

if (mode === 'backend') {
  const body = 'x'.repeat(512);
  const backend = createServer((_req, res) => res.end(body));
  backend.listen(0, '127.0.0.1', () => console.log((backend.address() as { port: number }).port));
} else {
  const services = new Store<ServiceObject>(serviceIndexers);
  const slices = new Store<SliceObject>(sliceIndexers);
  services.upsert({
    metadata: { name: 'web', namespace: 'default' },
    spec: { clusterIP: '10.96.0.50', ports: [{ name: 'http', port: 80 }] },
  });
  slices.upsert({
    metadata: { name: 'web-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    ports: [{ name: 'http', port: Number(backendPort) }],
  });
  const routes = new RouteTable([
    {
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        rules: [
          {
            host: 'bench.test',
            http: {
              paths: [
                {
                  path: '/app',
                  pathType: 'Prefix',
                  backend: { service: { name: 'web', port: { name: 'http' } } },
                },
              ],
            },
          },
        ],
      },
    },
  ]);
  const cert = await selfSignedCertificate('bench.test');
  const state = { routes, certificates: new CertificateTable([], () => undefined, cert) };
  const proxy = new IngressProxy({
    state: () => state,
    picker: new EndpointPicker(services, slices),
    defaultCertificate: cert,
  });
  console.log(await proxy.listenHttp(0, '127.0.0.1'));
}

// Exit normally on kill, so `node --cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0));
