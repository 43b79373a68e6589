// The UI looks at a cluster the wizard created through its own origin:
// /app/v1/clusters/NAME/k8s/<path> is forwarded to that cluster's API server with the
// cluster's admin kubeconfig (client certificate, its CA pinned). The browser never holds the
// cluster's credentials; the UI session is what lets it in. Responses stream (watch, logs).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:https';
import { loadKubeconfig } from '../../api/client/transport-node.ts';

const forwardedRequestHeaders = ['accept', 'content-type', 'content-length'];
const forwardedResponseHeaders = ['content-type', 'cache-control', 'audit-id', 'transfer-encoding'];

export function proxyToCluster(
  kubeconfigPath: string,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const cfg = loadKubeconfig({ kubeconfig: kubeconfigPath });
  const headers: Record<string, string> = {};
  for (const name of forwardedRequestHeaders) {
    const v = req.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  if (cfg.token) headers['authorization'] = `Bearer ${cfg.token}`;
  const upstream = request(
    new URL(path, cfg.server),
    { method: req.method, headers, ca: cfg.ca, cert: cfg.cert, key: cfg.key },
    (answer) => {
      const out: Record<string, string> = {};
      for (const name of forwardedResponseHeaders) {
        const v = answer.headers[name];
        if (typeof v === 'string') out[name] = v;
      }
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
    },
  );
  upstream.on('error', (err) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      code: 502,
      reason: 'ServiceUnavailable',
      message: `the cluster's API server does not answer (${err.message}); is the cluster running? (flotilla cluster start)`,
    });
    res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end(body);
  });
  // The browser went away (a watch closed): end the upstream request too.
  res.once('close', () => upstream.destroy());
  req.pipe(upstream);
}
