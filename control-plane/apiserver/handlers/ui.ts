// /ui/: a placeholder page until the web UI is served here (issue #8).
import type { Call } from './call.ts';

const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Flotilla</title></head>
<body>
<h1>Flotilla</h1>
<p>The control plane is running. The web UI is not built yet; use <code>kubectl</code> with the
kubeconfig that <code>flotilla serve</code> printed.</p>
</body>
</html>
`;

export function serveUiPlaceholder(call: Call): void {
  if (call.path === '/ui') {
    call.res.writeHead(301, { Location: '/ui/', 'Audit-Id': call.auditId, 'Content-Length': '0' });
    call.res.end();
    return;
  }
  call.res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-cache, private',
    'Audit-Id': call.auditId,
    'Content-Length': String(Buffer.byteLength(page)),
  });
  call.res.end(page);
}
