import { describe, expect, it } from 'vitest';
import type { Service } from '../../api/types/service.ts';
import { serviceEnv } from './service-env.ts';

const svc = (namespace: string, name: string, clusterIP: string, ports: any[]): Service => ({
  metadata: { namespace, name },
  spec: { clusterIP, ports },
});

const services = [
  svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]),
  svc('shop', 'redis-primary', '10.96.3.4', [{ port: 6379 }]),
  svc('shop', 'web', '10.96.5.6', [
    { name: 'http', port: 80, protocol: 'TCP' },
    { name: 'dns', port: 53, protocol: 'UDP' },
  ]),
  svc('shop', 'headless', 'None', [{ port: 80 }]),
  svc('other', 'elsewhere', '10.96.7.8', [{ port: 1 }]),
];

describe('service environment variables', () => {
  it("names every service of the pod's namespace and the API server's, docker-link style", () => {
    const env = serviceEnv(services, 'shop', undefined);
    expect(Object.fromEntries(env)).toMatchObject({
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://10.96.0.1:443',
      REDIS_PRIMARY_SERVICE_HOST: '10.96.3.4',
      REDIS_PRIMARY_SERVICE_PORT: '6379',
      REDIS_PRIMARY_PORT_6379_TCP: 'tcp://10.96.3.4:6379',
      REDIS_PRIMARY_PORT_6379_TCP_PROTO: 'tcp',
      REDIS_PRIMARY_PORT_6379_TCP_PORT: '6379',
      REDIS_PRIMARY_PORT_6379_TCP_ADDR: '10.96.3.4',
      WEB_SERVICE_PORT_HTTP: '80',
      WEB_PORT_53_UDP: 'udp://10.96.5.6:53',
    });
    expect([...env.keys()].some((k) => k.startsWith('HEADLESS_') || k.startsWith('ELSEWHERE_'))).toBe(false);
  });

  it('keeps only the API server with enableServiceLinks false', () => {
    const keys = [...serviceEnv(services, 'shop', false).keys()];
    expect(keys.every((k) => k.startsWith('KUBERNETES_'))).toBe(true);
    expect(keys).toContain('KUBERNETES_SERVICE_HOST');
  });
});
