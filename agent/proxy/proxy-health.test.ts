import { describe, expect, it } from 'vitest';
import type { Logger } from '../../api/client/index.ts';
import { ProxyHealth, serveProxyHealth } from './proxy-health.ts';

const quiet = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Logger;

describe('kube-proxy health', () => {
  it('is healthy until a change has waited longer than the timeout, and again after a sync', () => {
    let now = 1_000_000;
    const health = new ProxyHealth(60_000, () => now);
    expect(health.healthy()).toBe(true);
    health.queued();
    now += 59_000;
    expect(health.healthy()).toBe(true);
    health.queued(); // a later change does not restart the clock
    now += 2_000;
    expect(health.healthy()).toBe(false);
    health.updated();
    expect(health.healthy()).toBe(true);
    expect(JSON.parse(health.body())).toEqual({
      lastUpdated: new Date(now).toISOString(),
      currentTime: new Date(now).toISOString(),
      nodeEligible: true,
    });
  });

  it('serves /healthz and /livez: 200 when healthy, 503 when not, 404 elsewhere', async () => {
    let now = 0;
    const health = new ProxyHealth(10, () => now);
    const server = (await serveProxyHealth(health, '127.0.0.1:0', quiet))!;
    try {
      const port = (server.address() as { port: number }).port;
      const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`).then((r) => r.status);
      expect(await get('/healthz')).toBe(200);
      expect(await get('/livez')).toBe(200);
      expect(await get('/other')).toBe(404);
      health.queued();
      now = 100;
      expect(await get('/healthz')).toBe(503);
    } finally {
      server.close();
    }
  });
});
