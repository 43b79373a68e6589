// kubectl delete --cascade=background|foreground|orphan against the garbage collector, as a
// user sees it: dependents go after (background) or before (foreground) their owner, or stay
// without the reference (orphan); objects whose owner never existed are collected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfraCluster, until, type InfraCluster } from './infra-cluster.ts';

describe('garbage collection with kubectl', () => {
  let c: InfraCluster;
  beforeAll(async () => {
    c = await startInfraCluster({ nodes: 2 });
  }, 120_000);
  afterAll(async () => {
    await c?.stop();
  });

  const count = async (what: string, selector: string) => (await c.json(what, '-l', selector)).items.length;
  const deploy = async (name: string) => {
    await c.k('create', 'deployment', name, '--image=nginx', '--replicas=2');
    await c.k('rollout', 'status', `deployment/${name}`, '--timeout=90s');
  };

  it('background: the deployment goes at once, then its ReplicaSet and pods', async () => {
    await deploy('bg');
    expect(await c.k('delete', 'deployment', 'bg', '--cascade=background')).toContain(
      'deployment.apps "bg" deleted',
    );
    await until(
      async () => (await count('rs', 'app=bg')) === 0 && (await count('pods', 'app=bg')) === 0,
      'rs and pods gone',
    );
  }, 180_000);

  it('foreground: the owner waits with foregroundDeletion until blocking dependents are gone', async () => {
    await deploy('fg');
    const d = await c.json('deployment', 'fg');
    // A dependent holding on with a finalizer keeps the deployment visibly waiting.
    await c.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'fg-hold',
        finalizers: ['example.com/hold'],
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'fg',
            uid: d.metadata.uid,
            blockOwnerDeletion: true,
          },
        ],
      },
    });
    await c.k('delete', 'deployment', 'fg', '--cascade=foreground', '--wait=false');
    const waiting = await until(async () => {
      const x = await c.json('deployment', 'fg');
      return x.metadata.deletionTimestamp && x;
    }, 'deployment marked for deletion');
    expect(waiting.metadata.finalizers).toContain('foregroundDeletion');
    await until(
      async () => (await count('pods', 'app=fg')) === 0 && (await count('rs', 'app=fg')) === 0,
      'pods and rs gone first',
    );
    expect((await c.kubectl(['get', 'deployment', 'fg'])).code).toBe(0);
    await c.k('patch', 'configmap', 'fg-hold', '--type=merge', '-p', '{"metadata":{"finalizers":null}}');
    await until(
      async () => (await c.kubectl(['get', 'deployment', 'fg'])).stderr.includes('NotFound'),
      'deployment gone',
    );
  }, 180_000);

  it('orphan: the ReplicaSet and pods stay, without a reference to the deleted deployment', async () => {
    await deploy('or');
    await c.k('delete', 'deployment', 'or', '--cascade=orphan');
    const rs = await until(async () => {
      const items = (await c.json('rs', '-l', 'app=or')).items;
      return items.length === 1 && !items[0].metadata.ownerReferences && items;
    }, 'rs released');
    expect(rs[0].status.replicas).toBe(2);
    expect(await count('pods', 'app=or')).toBe(2);
    // Still owned by the ReplicaSet, which keeps them.
    await c.k('delete', 'rs', rs[0].metadata.name);
    await until(async () => (await count('pods', 'app=or')) === 0, 'pods of the deleted rs gone');
  }, 180_000);

  it('collects objects whose owner does not exist', async () => {
    await c.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'dangling',
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            name: 'nobody',
            uid: '7b1c2e9a-0000-4000-8000-000000000000',
          },
        ],
      },
    });
    await until(
      async () => (await c.kubectl(['get', 'configmap', 'dangling'])).stderr.includes('NotFound'),
      'dangling configmap collected',
    );
  }, 60_000);
});
