// Persistent volumes as a user sees them: the default StorageClass `standard`, a claim that
// waits for its first pod, then is Bound to a local-path volume on that pod's node, and the
// volume deleted with the claim.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfraCluster, until, type InfraCluster } from './infra-cluster.ts';

describe('persistent volumes with kubectl', () => {
  let c: InfraCluster;
  beforeAll(async () => {
    c = await startInfraCluster({ nodes: 2 });
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  });

  it('has the default storage class standard', async () => {
    const out = await until(
      async () =>
        (await c.kubectl(['get', 'storageclass'])).stdout.includes('standard') &&
        (await c.k('get', 'storageclass')),
      'standard',
    );
    expect(out).toMatch(/standard \(default\)\s+flotilla\.io\/local-path\s+Delete\s+WaitForFirstConsumer/);
  });

  it('binds a claim to a volume on the node of its first pod', async () => {
    await c.apply({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    await until(
      async () =>
        (await c.k('describe', 'pvc', 'data')).includes(
          'waiting for first consumer to be created before binding',
        ),
      'the WaitForFirstConsumer event',
    );
    expect(await c.k('get', 'pvc', 'data')).toMatch(/data\s+Pending/);
    await c.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'user' },
      spec: {
        containers: [{ name: 'c', image: 'nginx', volumeMounts: [{ name: 'd', mountPath: '/data' }] }],
        volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
      },
    });
    const pvc = await until(async () => {
      const x = await c.json('pvc', 'data');
      return x.status.phase === 'Bound' && x;
    }, 'the claim to be Bound');
    expect(await c.k('get', 'pvc', 'data')).toMatch(/data\s+Bound\s+pvc-\S+\s+1Gi\s+RWO\s+standard/);
    const node = (await c.json('pod', 'user')).spec.nodeName;
    const pv = await c.json('pv', pvc.spec.volumeName);
    expect(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0]).toEqual({
      key: 'kubernetes.io/hostname',
      operator: 'In',
      values: [node],
    });
    expect(pv.spec.hostPath.path).toContain(pvc.spec.volumeName);
    expect(pv.status.phase).toBe('Bound');
    expect(await c.k('describe', 'pvc', 'data')).toContain(
      `Successfully provisioned volume ${pvc.spec.volumeName}`,
    );
  }, 120_000);

  it('deletes the volume with its claim', async () => {
    const name = (await c.json('pvc', 'data')).spec.volumeName;
    await c.k('delete', 'pod', 'user');
    await c.k('delete', 'pvc', 'data');
    await until(
      async () => (await c.kubectl(['get', 'pv', name])).stderr.includes('NotFound'),
      'the volume gone',
    );
  }, 120_000);
});
