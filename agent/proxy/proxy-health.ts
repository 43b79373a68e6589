// kube-proxy's own health endpoint (upstream pkg/proxy/healthcheck/proxy_health.go), on
// :10256/healthz (and /livez): 200 while the proxy keeps up with changes, 503 when a change has
// waited for a sync longer than the timeout (upstream: twice the sync period).
import { createServer, type Server } from 'node:http';
import type { Logger } from '../../api/client/index.ts';

export const PROXY_HEALTHZ_PORT = 10256;

export class ProxyHealth {
  private lastUpdated = 0;
  /** When the oldest change not yet synced arrived; undefined: none waiting. */
  private oldestQueued: number | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A Service or EndpointSlice changed: a sync is owed. */
  queued(): void {
    this.oldestQueued ??= this.now();
  }

  /** A sync succeeded: everything queued before it is in the kernel. */
  updated(): void {
    this.lastUpdated = this.now();
    this.oldestQueued = undefined;
  }

  healthy(): boolean {
    return this.oldestQueued === undefined || this.now() - this.oldestQueued < this.timeoutMs;
  }

  body(): string {
    return JSON.stringify({
      lastUpdated: new Date(this.lastUpdated).toISOString(),
      currentTime: new Date(this.now()).toISOString(),
      nodeEligible: true,
    });
  }
}

/** Serves `health` on `address` (host:port); resolves once listening, or undefined if it cannot. */
export async function serveProxyHealth(
  health: ProxyHealth,
  address: string,
  logger: Logger,
): Promise<Server | undefined> {
  const { host, port } = splitHostPort(address);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/healthz' && path !== '/livez') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(health.healthy() ? 200 : 503, {
      'Content-Type': 'application/json',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(health.body());
  });
  return new Promise((resolve) => {
    server.once('error', (err) => {
      logger.error('kube-proxy healthz cannot listen', { address, error: String(err) });
      resolve(undefined);
    });
    server.listen(port, host, () => resolve(server));
  });
}

function splitHostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return {
    host: address.slice(0, i).replace(/^\[|\]$/g, '') || '0.0.0.0',
    port: Number(address.slice(i + 1)),
  };
}
