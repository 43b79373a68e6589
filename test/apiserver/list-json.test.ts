// LIST answers in plain JSON are spliced from cached item encodings; kubectl and client-node
// must see exactly the bytes a whole JSON.stringify gives. The pretty answer is still encoded
// whole, so at one pinned resourceVersion the two must agree byte for byte once re-compacted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

const manifest = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  annotations: { note: 'quotes " backslash \\\\ accents é ✓' }
data: { a.json: '{"x":[1,2]}' }
---
apiVersion: v1
kind: Pod
metadata: { name: web, labels: { app: web } }
spec: { containers: [{ name: c, image: busybox }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: d }
spec:
  replicas: 2
  selector: { matchLabels: { app: d } }
  template:
    metadata: { labels: { app: d } }
    spec: { containers: [{ name: c, image: busybox }] }
`;

describe('plain JSON LIST answers', () => {
  it('are the same bytes as the whole-encoded answer, for several kinds, pages and selectors', async () => {
    const applied = await server.kubectl(['apply', '--server-side', '-f', '-'], {
      input: manifest,
      timeoutMs: 60_000,
    });
    expect(applied.stderr).toBe('');
    await server.kubectl(['label', 'configmap', 'cfg', 'tier=x'], { timeoutMs: 60_000 });

    const paths = [
      '/api/v1/configmaps',
      '/api/v1/namespaces/default/pods',
      '/apis/apps/v1/namespaces/default/deployments',
      '/api/v1/namespaces',
      '/api/v1/namespaces?limit=2',
      '/api/v1/configmaps?labelSelector=tier%3Dx',
      '/api/v1/configmaps?fieldSelector=metadata.name%3Dcfg',
    ];
    for (const path of paths) {
      const plain = await rawRequest(server, { path, headers: { Accept: 'application/json' } });
      expect(plain.status, path).toBe(200);
      expect(Number(plain.headers['content-length']), path).toBe(Buffer.byteLength(plain.body));
      const rv = plain.json.metadata.resourceVersion;
      const pinned = `${path}${path.includes('?') ? '&' : '?'}resourceVersion=${rv}&resourceVersionMatch=Exact`;
      const again = await rawRequest(server, { path: pinned, headers: { Accept: 'application/json' } });
      const pretty = await rawRequest(server, {
        path: `${pinned}&pretty=true`,
        headers: { Accept: 'application/json' },
      });
      expect(pretty.body, path).toContain('\n  ');
      expect(again.body, path).toBe(JSON.stringify(pretty.json));
      if (!path.includes('limit')) expect(plain.body, path).toBe(again.body);
    }
  }, 180_000);
});
