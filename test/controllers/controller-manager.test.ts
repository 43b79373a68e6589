// The controller manager inside `flotilla serve`, as an operator sees it: it holds the
// kube-system/kube-controller-manager Lease, --controllers leaves controllers out, and SIGTERM
// stops it cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { until } from './infra-cluster.ts';

describe('flotilla serve --controllers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ args: ['--controllers', '*,-serviceaccount'] });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  const k = async (...args: string[]) => {
    const r = await server.kubectl(args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  it('holds the controller manager lease', async () => {
    const lease = await until(async () => {
      const l = JSON.parse(
        await k('get', 'lease', 'kube-controller-manager', '-n', 'kube-system', '-o', 'json'),
      );
      return l.spec.holderIdentity && l;
    }, 'the lease to be held');
    expect(lease.spec.leaseDurationSeconds).toBe(15);
    expect(lease.spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('runs the other controllers but not the ones left out', async () => {
    await k('create', 'namespace', 'quiet');
    // The garbage collector works in the new namespace: the manager is running and has seen it.
    const r = await server.kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'orphan',
          namespace: 'quiet',
          ownerReferences: [
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              name: 'gone',
              uid: '4a1f0000-0000-4000-8000-000000000001',
            },
          ],
        },
      }),
    });
    expect(r.code).toBe(0);
    await until(
      async () => (await server.kubectl(['get', 'configmap', 'orphan', '-n', 'quiet'])).code !== 0,
      'the dangling configmap collected',
    );
    // ...but no ServiceAccount controller made `default` there.
    const sa = await server.kubectl(['get', 'serviceaccount', 'default', '-n', 'quiet']);
    expect(sa.stderr).toContain('serviceaccounts "default" not found');
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await server.stop()).toBe(0);
  });
});
