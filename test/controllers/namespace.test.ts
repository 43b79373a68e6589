// Namespaces as a user sees them: a new one gets its default ServiceAccount (and pods run as
// it); `kubectl delete namespace` empties it, returns, and the namespace is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfraCluster, until, type InfraCluster } from './infra-cluster.ts';

describe('namespaces and service accounts with kubectl', () => {
  let c: InfraCluster;
  beforeAll(async () => {
    c = await startInfraCluster({ nodes: 2 });
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  });

  it('gives a new namespace its default ServiceAccount, used by its pods', async () => {
    await c.k('create', 'namespace', 'team');
    await until(
      async () => (await c.kubectl(['get', 'serviceaccount', 'default', '-n', 'team'])).code === 0,
      'team/default',
    );
    await c.k('run', 'solo', '-n', 'team', '--image=nginx');
    const pod = await c.json('pod', 'solo', '-n', 'team');
    expect(pod.spec.serviceAccountName).toBe('default');
    const refused = await c.kubectl([
      'run',
      'robot',
      '-n',
      'team',
      '--image=nginx',
      '--overrides={"spec":{"serviceAccountName":"robot"}}',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'pods "robot" is forbidden: error looking up service account team/robot: serviceaccount "robot" not found',
    );
  }, 120_000);

  it('deletes everything in a namespace, then the namespace itself', async () => {
    await c.k('create', 'deployment', 'web', '-n', 'team', '--image=nginx', '--replicas=2');
    await c.k('rollout', 'status', 'deployment/web', '-n', 'team', '--timeout=90s');
    await c.k('create', 'configmap', 'settings', '-n', 'team', '--from-literal=a=b');
    await c.k('create', 'service', 'clusterip', 'web', '-n', 'team', '--tcp=80:8080');
    await c.k('create', 'secret', 'generic', 'token', '-n', 'team', '--from-literal=t=x');
    // kubectl waits until the namespace is really gone.
    const out = await c.k('delete', 'namespace', 'team', '--timeout=120s');
    expect(out).toContain('namespace "team" deleted');
    const gone = await c.kubectl(['get', 'namespace', 'team']);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('namespaces "team" not found');
    // Nothing of it is left anywhere.
    for (const kind of [
      'pods',
      'deployments',
      'replicasets',
      'configmaps',
      'services',
      'secrets',
      'serviceaccounts',
      'endpoints',
    ])
      expect((await c.json(kind, '-n', 'team')).items).toEqual([]);
  }, 180_000);

  it('refuses new content while a namespace terminates and shows why it waits', async () => {
    await c.k('create', 'namespace', 'slow');
    await c.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'held', namespace: 'slow', finalizers: ['example.com/hold'] },
    });
    await c.k('delete', 'namespace', 'slow', '--wait=false');
    const ns = await until(async () => {
      const x = await c.json('namespace', 'slow');
      return (
        x.status.conditions?.some(
          (k: any) => k.type === 'NamespaceFinalizersRemaining' && k.status === 'True',
        ) && x
      );
    }, 'the finalizer condition');
    expect(ns.status.phase).toBe('Terminating');
    const refused = await c.kubectl(['create', 'configmap', 'late', '-n', 'slow']);
    expect(refused.stderr).toContain('because it is being terminated');
    await c.k(
      'patch',
      'configmap',
      'held',
      '-n',
      'slow',
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":null}}',
    );
    await until(async () => (await c.kubectl(['get', 'namespace', 'slow'])).code !== 0, 'slow gone');
  }, 120_000);
});
