// The health check node ports of LoadBalancer services with externalTrafficPolicy Local
// (upstream pkg/proxy/healthcheck/service_health.go). A cloud load balancer probes
// `http://<node>:<healthCheckNodePort>/` and sends traffic only to nodes answering 200, that is
// nodes with a local endpoint, so the client's source address survives (no hop to another node).
import { createServer, type Server } from 'node:http';
import type { Logger } from '../../api/client/index.ts';
import { categorizeEndpoints, type ProxyServicePort } from './service-ports.ts';

export interface HealthCheckTarget {
  /** "ns/name" */
  service: string;
  port: number;
  /** Ready (or serving terminating) endpoints of the service on this node. */
  localEndpoints: number;
}

/** The health-checked services among the proxy's ports, one entry per service. */
export function healthCheckTargets(ports: readonly ProxyServicePort[]): HealthCheckTarget[] {
  const byService = new Map<string, { port: number; local: Set<string> }>();
  for (const sp of ports) {
    if (!sp.externalPolicyLocal || sp.healthCheckNodePort <= 0) continue;
    let entry = byService.get(sp.service);
    if (!entry) byService.set(sp.service, (entry = { port: sp.healthCheckNodePort, local: new Set() }));
    // Upstream counts endpoint IPs, not ip:port pairs: a pod serving two ports counts once.
    for (const e of categorizeEndpoints(sp).local) entry.local.add(e.ip);
  }
  return [...byService].map(([service, e]) => ({ service, port: e.port, localEndpoints: e.local.size }));
}

/** The body a probe gets, in upstream's shape. */
export function serviceHealthBody(target: HealthCheckTarget, proxyHealthy: boolean): string {
  const [namespace, name] = target.service.split('/');
  return JSON.stringify({
    service: { namespace, name },
    localEndpoints: target.localEndpoints,
    serviceProxyHealthy: proxyHealthy,
  });
}

export interface ServiceHealthServerOptions {
  /** Where to listen; default every address (upstream with no --nodeport-addresses). */
  address?: string;
  logger: Logger;
  /** Whether the proxy itself is healthy (its last sync is recent): unhealthy answers 503 too. */
  proxyHealthy?: () => boolean;
}

/** One HTTP listener per health check node port, opened and closed as services come and go. */
export class ServiceHealthServer {
  private readonly targets = new Map<number, HealthCheckTarget>();
  private readonly servers = new Map<number, Server>();

  constructor(private readonly opts: ServiceHealthServerOptions) {}

  /** Takes the current targets: listens on new ports, closes the ports no longer used. */
  sync(targets: readonly HealthCheckTarget[]): void {
    this.targets.clear();
    for (const t of targets) this.targets.set(t.port, t);
    for (const [port, server] of this.servers) {
      if (this.targets.has(port)) continue;
      server.close();
      this.servers.delete(port);
    }
    for (const port of this.targets.keys()) if (!this.servers.has(port)) this.listen(port);
  }

  close(): Promise<void> {
    const closing = [...this.servers.values()].map((s) => new Promise<void>((r) => s.close(() => r())));
    this.servers.clear();
    this.targets.clear();
    return Promise.all(closing).then(() => undefined);
  }

  private listen(port: number): void {
    const server = createServer((_req, res) => {
      const target = this.targets.get(port);
      if (!target) {
        res.writeHead(404).end();
        return;
      }
      const proxyHealthy = this.opts.proxyHealthy?.() ?? true;
      const ok = target.localEndpoints > 0 && proxyHealthy;
      res.writeHead(ok ? 200 : 503, {
        'Content-Type': 'application/json',
        'X-Content-Type-Options': 'nosniff',
        // Load balancers that weigh nodes (e.g. by local endpoints) read this, as upstream sets it.
        'X-Load-Balancing-Endpoint-Weight': String(target.localEndpoints),
      });
      res.end(serviceHealthBody(target, proxyHealthy));
    });
    server.on('error', (err) => {
      // Another process holds the port: the service still works, only its health check does not.
      this.opts.logger.error('health check node port cannot listen', { port, error: String(err) });
      if (this.servers.get(port) === server) this.servers.delete(port);
    });
    server.listen(port, this.opts.address ?? '0.0.0.0');
    this.servers.set(port, server);
  }
}
