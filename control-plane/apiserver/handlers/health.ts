// /healthz, /livez, /readyz (and their per-check paths): plain-text "ok" like upstream, or a
// 500 naming the failed check. `?verbose` lists every check.
import type { Call } from './call.ts';

export interface HealthCheck {
  name: string;
  /** Resolves true when healthy. Only /readyz runs these; /livez and /healthz only need a live process. */
  check: () => boolean | Promise<boolean>;
}

export async function serveHealth(
  call: Call,
  endpoint: 'healthz' | 'livez' | 'readyz',
  checks: HealthCheck[],
): Promise<void> {
  const all: HealthCheck[] = [{ name: 'ping', check: () => true }, ...(endpoint === 'readyz' ? checks : [])];
  const only = call.path.split('/').filter(Boolean)[1];
  const selected = only ? all.filter((c) => c.name === only) : all;
  if (only && selected.length === 0) {
    call.res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Audit-Id': call.auditId });
    call.res.end('404 page not found\n');
    return;
  }
  const results = await Promise.all(
    selected.map(async (c) => {
      try {
        return { name: c.name, ok: await c.check() };
      } catch {
        return { name: c.name, ok: false };
      }
    }),
  );
  const healthy = results.every((r) => r.ok);
  const verbose = call.query.has('verbose');
  let body: string;
  if (!verbose && healthy) body = 'ok';
  else {
    const lines = results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: reason withheld`));
    body = `${lines.join('\n')}\n${endpoint} check ${healthy ? 'passed' : 'failed'}\n`;
  }
  call.res.writeHead(healthy ? 200 : 500, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache, private',
    'Audit-Id': call.auditId,
    'Content-Length': String(Buffer.byteLength(body)),
  });
  call.res.end(body);
}
